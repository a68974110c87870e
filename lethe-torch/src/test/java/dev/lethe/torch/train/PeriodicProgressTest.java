package dev.lethe.torch.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodicProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLongTaskPrintsAfterTwoSecondsThenEveryTenAndAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        PeriodicProgress progress = new PeriodicProgress("lm train", new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        progress.onStart(100);
        for (int step = 0; step < 100; step++) {
            now.addAndGet(SECOND); // one second per step
            progress.onStep(step, 1f / (step + 1));
        }
        progress.onFinish();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        // after 2 s, then at 12, 22, ..., 92 s, then the end
        assertThat(lines).hasSize(1 + 9 + 1);
        assertThat(lines[0]).isEqualTo("lm train: step 2/100 (2%), loss 0.5000, 2s elapsed, about 1m38s left");
        assertThat(lines[1]).startsWith("lm train: step 12/100 (12%)");
        assertThat(lines[10]).isEqualTo("lm train: step 100/100 (100%), loss 0.0100, 1m40s elapsed");
    }

    @Test
    void aTaskShorterThanTwoSecondsPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        PeriodicProgress progress = new PeriodicProgress("train", new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        progress.onStart(10);
        for (int step = 0; step < 10; step++) {
            now.addAndGet(SECOND / 10);
            progress.onStep(step, 0.5f);
        }
        progress.onFinish();
        assertThat(bytes.size()).isZero();
    }
}
