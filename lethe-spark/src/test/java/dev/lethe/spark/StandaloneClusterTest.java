package dev.lethe.spark;

import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.store.Store;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.ShardExecutors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SISA on a real Spark standalone cluster: a master and two one-core workers on 127.0.0.1, each a separate JVM, whose
 * executors (separate JVMs again) train the shards in parallel. Training, forgetting a person and the audit give the
 * store the local engine gives, bit for bit.
 */
@Tag("spark-cluster")
class StandaloneClusterTest {

    @TempDir
    static Path dir;

    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void trainingAndForgettingAPersonOnTwoWorkersGiveTheLocalEnginesStore() throws Exception {
        // Given a store trained by the local engine and one trained on the cluster
        SparkShardExecutor spark = new SparkShardExecutor(cluster.masterUrl());
        Store local = SisaStores.train(dir.resolve("local"), ShardExecutors.local());
        Store remote = SisaStores.train(dir.resolve("remote"), spark);

        // Then both workers ran executors, and the checkpoints are the local engine's
        assertThat(cluster.executorDirs(0)).isNotEmpty();
        assertThat(cluster.executorDirs(1)).isNotEmpty();
        SisaStores.assertSameCheckpoints(remote, local, 6);

        // When the same person is forgotten in both
        String person = SisaStores.data().train().subject(7);
        Receipt localReceipt = SisaStores.forget(local, ShardExecutors.local(), ForgetKind.SUBJECTS, List.of(person));
        Receipt remoteReceipt = SisaStores.forget(remote, spark, ForgetKind.SUBJECTS, List.of(person));

        // Then the same shard retrained to the same checkpoints, and the cluster-built store audits clean
        assertThat(remoteReceipt.retrained()).hasSize(1);
        assertThat(remoteReceipt.retrained()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("seconds")
                .isEqualTo(localReceipt.retrained());
        assertThat(remoteReceipt.matchedTrainRecords()).isEqualTo(localReceipt.matchedTrainRecords()).isPositive();
        SisaStores.assertSameCheckpoints(remote, local, 6);
        assertThat(StoreAudit.run(remote).passed()).as(StoreAudit.run(remote).toString()).isTrue();
    }

    @Test
    void aUsersTorchScriptArchitectureTrainsOnExecutorsThatNeverSawIt() throws Exception {
        // the executors are other JVMs: they know the module only from the store's architecture file
        Store local = SisaStores.trainTorchScript(dir.resolve("ts-local"), ShardExecutors.local());
        Store remote = SisaStores.trainTorchScript(dir.resolve("ts-remote"), new SparkShardExecutor(cluster.masterUrl()));
        assertThat(local.readManifest().model().spec()).startsWith("torchscript:");
        SisaStores.assertSameCheckpoints(remote, local, 6);
    }

    @Test
    void anExecutorLostMidJobIsReplacedAndTheStoreIsStillTheLocalEngines() throws Exception {
        // Given training on the cluster, whose first worker loses its executor JVM while the job runs
        SparkShardExecutor spark = new SparkShardExecutor(cluster.masterUrl());
        Store local = SisaStores.train(dir.resolve("local-lost"), ShardExecutors.local());
        java.util.concurrent.ExecutorService driver = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Store> training = driver.submit(() -> SisaStores.train(dir.resolve("lost"), spark));
            int killed = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (killed == 0 && !training.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                if (!cluster.executorDirs(0).isEmpty()) {
                    Thread.sleep(1500); // the executor has registered and is starting its first task (libtorch loads)
                    killed = cluster.killExecutors(0);
                }
            }
            assertThat(killed).as("an executor of worker 0 was killed while the job ran").isPositive();

            // Then Spark reruns the lost tasks, and the checkpoints are the local engine's all the same
            Store remote = training.get(180, java.util.concurrent.TimeUnit.SECONDS);
            SisaStores.assertSameCheckpoints(remote, local, 6);
            assertThat(StoreAudit.run(remote).passed()).as(StoreAudit.run(remote).toString()).isTrue();
        } finally {
            driver.shutdownNow();
        }
    }
}
