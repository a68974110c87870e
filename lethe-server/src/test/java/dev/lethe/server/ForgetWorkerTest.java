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

/**
 * The forget worker survives what its batches throw, an OutOfMemoryError included, backs off exponentially, and
 * gives up on a batch after its tries.
 */
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
            }, ledger, Duration.ZERO, new ServerMetrics(() -> 0, () -> 1), () -> { },
                    new ForgetWorker.Retry(Duration.ofMillis(10), Duration.ofMillis(50), 5), reason -> { });
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

    @Test
    void aBatchThatKeepsFailingIsRetriedWithGrowingWaitsThenItsRequestsAreMarkedFailed(@TempDir Path dir) throws Exception {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db"))) {
            String id = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1"), null, null), "alice").id();
            List<Long> tries = new java.util.concurrent.CopyOnWriteArrayList<>();
            ForgetWorker.Retry retry = new ForgetWorker.Retry(Duration.ofMillis(100), Duration.ofMillis(400), 4);
            ForgetWorker worker = new ForgetWorker(() -> {
                tries.add(System.nanoTime());
                throw new java.io.IOException("No space left on device");
            }, ledger, Duration.ZERO, new ServerMetrics(() -> 0, () -> 1), () -> { }, retry,
                    reason -> ledger.fail(id, reason));
            worker.start();
            try {
                long end = System.nanoTime() + 20_000_000_000L;
                while (ledger.find(id).orElseThrow().status() != RequestStatus.FAILED && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            } finally {
                worker.close();
            }
            assertThat(ledger.find(id).orElseThrow().status()).isEqualTo(RequestStatus.FAILED);
            assertThat(ledger.find(id).orElseThrow().failure()).contains("gave up after 4 failed tries")
                    .doesNotContain("No space left");
            assertThat(tries).hasSize(4);
            // waits of 100, 200 and 400 ms (the cap) between the tries
            assertThat((tries.get(1) - tries.get(0)) / 1e6).isBetween(90.0, 190.0);
            assertThat((tries.get(2) - tries.get(1)) / 1e6).isBetween(190.0, 390.0);
            assertThat((tries.get(3) - tries.get(2)) / 1e6).isBetween(390.0, 790.0);
            assertThat(retry.waitMillis(10)).isEqualTo(400);
        }
    }
}
