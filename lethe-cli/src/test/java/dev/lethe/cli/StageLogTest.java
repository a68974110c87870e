package dev.lethe.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StageLogTest {

    @Test
    void eachStagePrintsOneLineWithTheTimeSinceTheCommandBegan() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(5_000_000_000L);
        StageLog log = new StageLog("eval --reference", new PrintStream(bytes, true, StandardCharsets.UTF_8), now::get);
        log.accept("relearn time of the model");
        now.addAndGet(12_400_000_000L);
        log.accept("linear probe");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("eval --reference: relearn time of the model (0s elapsed)\n"
                + "eval --reference: linear probe (12s elapsed)\n");
    }

    @Test
    void aJsonRunStaysQuiet() {
        PrintStream before = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            StageLog.forStandardError("eval --reference", true).accept("relearn time of the model");
        } finally {
            System.setErr(before);
        }
        assertThat(bytes.size()).isZero();
    }
}
