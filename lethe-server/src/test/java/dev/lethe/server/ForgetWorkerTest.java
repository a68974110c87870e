package dev.lethe.server;

import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.ledger.RequestStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The forget worker survives what its batches throw, an OutOfMemoryError included. */
class ForgetWorkerTest {

    @Test
    void anOutOfMemoryErrorInABatchDoesNotKillTheWorker(@TempDir Path dir) throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db"))) {
            String id = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1"), null, null), "alice").id();
            AtomicInteger tries = new AtomicInteger();
            ForgetWorker worker = new ForgetWorker(() -> {
                if (tries.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("Java heap space (simulated)");
                }
                ledger.markRunning(List.of(id), "b-1");
                ledger.complete(id, "{}");
                return List.of();
            }, ledger, Duration.ZERO, new ServerMetrics(() -> 0, () -> 1), () -> { });
            worker.start();
            try {
                long end = System.nanoTime() + 20_000_000_000L;
                while (ledger.find(id).orElseThrow().status() != RequestStatus.DONE && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(ledger.find(id).orElseThrow().status()).isEqualTo(RequestStatus.DONE);
                assertThat(tries.get()).isEqualTo(2);
                assertThat(worker.running()).isTrue();
            } finally {
                worker.close();
            }
        }
    }
}
