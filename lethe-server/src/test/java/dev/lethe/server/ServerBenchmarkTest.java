package dev.lethe.server;

import dev.lethe.core.store.Store;
import dev.lethe.server.bench.ServerBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lethe bench serve} runs end to end on a small SISA store: every forget request of the intake is accepted,
 * the queue drains, predictions are answered and one person's erasure reaches "done", on a scratch copy, so the
 * store it was given is left byte for byte as it was.
 */
class ServerBenchmarkTest {

    @Test
    void measuresIntakePredictionsAndAnErasureWithoutTouchingTheStore(@TempDir Path dir) throws Exception {
        Path store = TestStores.copy(dir.resolve("store"));
        Map<String, String> before = digests(store);

        ServerBenchmark.Figures f = ServerBenchmark.run(store, 12, 3, 8, Duration.ofMillis(50));

        assertThat(f.requests()).isEqualTo(12);
        assertThat(f.clients()).isEqualTo(3);
        assertThat(f.intakePerSecond()).isPositive();
        assertThat(f.intakeP50Ms()).isPositive().isLessThanOrEqualTo(f.intakeP99Ms());
        assertThat(f.drainSeconds()).isNotNegative();
        assertThat(f.predictions()).isEqualTo(8);
        assertThat(f.predictP50Ms()).isPositive().isLessThanOrEqualTo(f.predictP99Ms());
        assertThat(f.batchedPredictionsPerSecond()).isPositive();
        assertThat(f.erasureSeconds()).isPositive();
        assertThat(f.batchWindowMs()).isEqualTo(50);
        assertThat(digests(store)).isEqualTo(before);
    }

    /** SHA-256 of every file under {@code root}, by relative path. */
    private static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Store.sha256(p));
            }
        }
        return out;
    }
}
