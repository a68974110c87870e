package dev.lethe.core.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prints the size of {@code manifest.json} and the time to open a store (parse its manifest) after 10,000 and
 * 100,000 requests, before compaction (every version in the manifest) and after ({@link ManifestHistory}).
 * Medians of 7 opens after 3 warm-up opens. Run (docs/BENCHMARKS.md):
 * <pre>
 * ./mvnw -B -q test-compile -pl lethe-core -am
 * java -cp lethe-core/target/test-classes:lethe-core/target/classes:$(cat /tmp/cp.txt) dev.lethe.core.store.ManifestOpenBenchmark
 * </pre>
 * with {@code /tmp/cp.txt} from {@code ./mvnw -q dependency:build-classpath -pl lethe-core -Dmdep.outputFile=/tmp/cp.txt}.
 */
public final class ManifestOpenBenchmark {

    private ManifestOpenBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("lethe-manifest-bench");
        System.out.printf("%-10s %-8s %14s %14s %12s%n", "requests", "layout", "manifest bytes", "history bytes", "open ms");
        for (int requests : new int[]{10_000, 100_000}) {
            StoreManifest manifest = SyntheticStores.afterRequests(requests);
            Path before = Files.createDirectories(dir.resolve("before-" + requests));
            SyntheticStores.writeUncompacted(before, manifest);
            report(requests, "before", before);
            Path after = Files.createDirectories(dir.resolve("after-" + requests));
            Store.create(after).writeManifest(manifest);
            report(requests, "after", after);
        }
    }

    private static void report(int requests, String layout, Path root) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            Store.open(root).readManifest(); // a new Store each time: no cached manifest
            if (i >= 3) {
                ms.add((System.nanoTime() - start) / 1e6);
            }
        }
        ms.sort(Comparator.naturalOrder());
        Path history = root.resolve(ManifestHistory.FILE);
        System.out.printf("%-10d %-8s %14d %14d %12.1f%n", requests, layout, Files.size(root.resolve("manifest.json")),
                Files.exists(history) ? Files.size(history) : 0, ms.get(ms.size() / 2));
    }
}
