package dev.lethe.spark;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.store.Store;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.ShardExecutors;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.apache.commons.io.file.PathUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Figures, not assertions (speed lives in printed figures, docs/BENCHMARKS.md "SISA on Spark"): on one MNIST SISA store
 * (60,000 training images, 4 shards × 2 slices, uniform placement, mlp:256,128, 3 epochs per slice, 1 PyTorch thread per
 * task), the wall time of training and of one forget batch of 100 record requests, with the local engine, Spark
 * {@code local[1]}, {@code local[2]} and a standalone cluster of two one-core workers; then Spark's fixed cost per
 * application and per job. Each engine's store must equal the local engine's checkpoint for checkpoint (it is asserted,
 * so a fast wrong answer cannot pass). Runs only when asked, in a JVM of its own:
 * {@code ./mvnw -pl lethe-spark test -Dtest=SparkBench -Dlethe.spark.bench=true} (LETHE_DATASETS for MNIST);
 * {@code -Dlethe.spark.bench.epochs=N} sets the epochs per slice (3), {@code -Dlethe.spark.bench.clusterOnly=true} measures
 * the local engine and the cluster only.
 */
@EnabledIfSystemProperty(named = "lethe.spark.bench", matches = "true")
class SparkBench {

    private static final int THREADS = 1;
    private static final int REQUESTS = 100;

    private static SisaConfig config(DatasetRef.Loaded data) {
        return new SisaConfig(new ShardPlan(4, 2, Assignment.UNIFORM, 42), ModelSpec.parse("mlp:256,128", data.train().featureShape(), 10),
                new TrainConfig(Integer.getInteger("lethe.spark.bench.epochs", 3), 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
                Aggregation.MAJORITY_VOTE, THREADS);
    }

    @Test
    void trainingAndAForgetBatchOnEachEngine(@TempDir Path dir) throws Exception {
        assumeTrue(DatasetCatalog.configuredDataDir().isPresent(), "set LETHE_DATASETS (MNIST)");
        TorchRuntime.start(THREADS);
        DatasetRef.Loaded data = new DatasetRef("mnist", null, null, null, null, null, 0, 0.2, 0, 0, 42).load();
        List<String> ids = new ArrayList<>(data.train().ids());
        Collections.shuffle(ids, new Random(7));
        List<String> forgotten = ids.subList(0, REQUESTS);

        boolean all = !Boolean.getBoolean("lethe.spark.bench.clusterOnly"); // true: the local engine and the cluster only
        Store reference = measure("local", dir, ShardExecutors.local(), data, forgotten, null);
        if (all) {
            measure("spark local[1]", dir, new SparkShardExecutor("local[1]"), data, forgotten, reference);
            measure("spark local[2]", dir, new SparkShardExecutor("local[2]"), data, forgotten, reference);
        }
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
            measure("spark standalone, 2 workers x 1 core", dir, new SparkShardExecutor(cluster.masterUrl()), data, forgotten, reference);
            if (!all) {
                return;
            }
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                try (SparkRun run = SparkRun.start(cluster.masterUrl(), "empty", java.time.Duration.ofSeconds(60))) {
                    long started = System.nanoTime();
                    run.context().parallelize(List.of(1, 2), 2).map(x -> x).collect();
                    long firstJob = System.nanoTime();
                    run.context().parallelize(List.of(1, 2), 2).map(x -> x).collect();
                    System.out.printf(Locale.ROOT, "BENCH empty application, standalone: start %.2f s, first 2-task job (executors start) %.2f s,"
                            + " second %.3f s%n", (started - start) / 1e9, (firstJob - started) / 1e9, (System.nanoTime() - firstJob) / 1e9);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            SparkRun.quietLogs();
            long start = System.nanoTime();
            JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("empty")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
            long started = System.nanoTime();
            sc.parallelize(List.of(1, 2, 3), 3).map(x -> x).collect();
            long firstJob = System.nanoTime();
            sc.parallelize(List.of(1, 2, 3), 3).map(x -> x).collect();
            long secondJob = System.nanoTime();
            sc.stop();
            System.out.printf(Locale.ROOT, "BENCH empty application, local[2]: start %.2f s, first 3-task job %.3f s, second %.3f s, stop %.2f s%n",
                    (started - start) / 1e9, (firstJob - started) / 1e9, (secondJob - firstJob) / 1e9, (System.nanoTime() - secondJob) / 1e9);
        }
    }

    /** Trains and forgets on {@code executor} twice (fresh stores), printing both; returns the last store. */
    private static Store measure(String engine, Path dir, ShardExecutor executor, DatasetRef.Loaded data, List<String> forgotten,
                                 Store reference) throws Exception {
        Store store = null;
        for (int run = 1; run <= 2; run++) {
            Path storeDir = dir.resolve(engine.replaceAll("\\W", "_") + "-" + run);
            long start = System.nanoTime();
            store = SisaService.train(storeDir, data, config(data), false, executor, Device.cpu(), TrainListener.NONE, e -> {
            }).store();
            double train = (System.nanoTime() - start) / 1e9;
            ForgetService service = new ForgetService(ShardStorage.of(store), Device.cpu(), null).executor(executor);
            for (String id : forgotten) {
                service.accept(new RequestSpec(ForgetKind.RECORDS, List.of(id), null, null), "bench");
            }
            start = System.nanoTime();
            int receipts = service.process().size();
            double forget = (System.nanoTime() - start) / 1e9;
            assertThat(receipts).isEqualTo(forgotten.size());
            if (reference != null) {
                SisaStores.assertSameFiles(store, reference);
            }
            System.out.printf(Locale.ROOT, "BENCH %s: train %.1f s, forget batch of %d requests %.1f s (run %d)%n", engine, train,
                    forgotten.size(), forget, run);
            if (run == 1) {
                PathUtils.deleteDirectory(storeDir);
            }
        }
        return store;
    }
}
