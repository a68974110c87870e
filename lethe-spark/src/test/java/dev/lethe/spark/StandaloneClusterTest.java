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
}
