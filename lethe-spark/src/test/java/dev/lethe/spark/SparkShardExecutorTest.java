package dev.lethe.spark;

import ai.djl.Device;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.ShardExecutors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine independence of SISA: trained and forgotten through Spark ({@code local[2]}), a store holds the very
 * checkpoints the local executor produces, and audits clean; a Spark that cannot do the work fails fast, clearly, and
 * commits nothing (the request stays pending, and a resume finishes it).
 */
class SparkShardExecutorTest {

    @Test
    void theSparkExecutorIsFoundByNameFromItsServiceFile() {
        assertThat(ShardExecutors.names()).contains(SparkShardExecutor.NAME);
        assertThat(ShardExecutors.get(SparkShardExecutor.NAME)).isInstanceOf(SparkShardExecutor.class);
    }

    @Test
    void trainingAndForgettingOnSparkGiveTheLocalEnginesCheckpoints(@TempDir Path dir) throws Exception {
        // Given a store trained by the local engine and one trained by Spark in local[2]
        Store local = SisaStores.train(dir.resolve("local"), ShardExecutors.local());
        Store spark = SisaStores.train(dir.resolve("spark"), new SparkShardExecutor("local[2]"));

        // Then every checkpoint file and the manifests' checkpoint records are the same, bit for bit
        SisaStores.assertSameCheckpoints(spark, local, 6);

        // When records of two shards are forgotten in both — one in the last slice (retrained from the first slice's
        // checkpoint, which the Spark task reads) and one in the first slice
        List<TrainingDataFile.Metadata> shards = ShardFiles.metadata(spark, spark.readManifest());
        List<String> ids = List.of(idInSlice(shards.get(0), 1), idInSlice(shards.get(2), 0));
        Receipt localReceipt = SisaStores.forget(local, ShardExecutors.local(), ForgetKind.RECORDS, ids);
        Receipt sparkReceipt = SisaStores.forget(spark, new SparkShardExecutor("local[2]"), ForgetKind.RECORDS, ids);

        // Then the same two shards retrained from the same slices to the same checkpoints, and the Spark store audits clean
        assertThat(sparkReceipt.retrained()).extracting(r -> r.shard() + "@" + r.fromSlice()).containsExactly("0@1", "2@0");
        assertThat(sparkReceipt.retrained()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("seconds")
                .isEqualTo(localReceipt.retrained());
        assertThat(sparkReceipt.matchedTrainRecords()).isEqualTo(2);
        SisaStores.assertSameCheckpoints(spark, local, 6);
        assertThat(StoreAudit.run(spark).passed()).as(StoreAudit.run(spark).toString()).isTrue();
    }

    @Test
    void anUnreachableMasterFailsFastNamingItAndCommitsNothing(@TempDir Path dir) throws Exception {
        // Given a store trained locally
        Store store = SisaStores.train(dir.resolve("store"), ShardExecutors.local());
        var before = store.readManifest();
        String person = SisaStores.data().train().subject(7);

        // When a forget runs on a master nobody listens to
        long start = System.nanoTime();
        assertThatThrownBy(() -> SisaStores.forget(store, new SparkShardExecutor("spark://127.0.0.1:1"), ForgetKind.SUBJECTS, List.of(person)))
                // Then it fails within seconds, naming the master and what to do
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot reach the Spark master spark://127.0.0.1:1")
                .hasMessageContaining("--master local[N]");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);

        // and the store still serves the version it had, with every checkpoint it had; the request waits, durable
        assertThat(store.readManifest().currentVersion()).isEqualTo(before.currentVersion());
        assertThat(store.readManifest().checkpointDigests()).isEqualTo(before.checkpointDigests());
        assertThat(StoreAudit.run(store).passed()).isFalse();

        // When the pending request is resumed on the local engine, it completes and the store audits clean
        List<Receipt> resumed = new ForgetService(ShardStorage.of(store), Device.cpu(), null).executor(ShardExecutors.local()).process();
        assertThat(resumed).hasSize(1);
        assertThat(resumed.get(0).matchedTrainRecords()).isPositive();
        assertThat(store.readManifest().currentVersion()).isEqualTo(before.currentVersion() + 1);
        assertThat(StoreAudit.run(store).passed()).as(StoreAudit.run(store).toString()).isTrue();
    }

    @Test
    void aCheckpointFolderThatCannotBeWrittenIsAClearError(@TempDir Path dir) throws Exception {
        // Given a store folder whose checkpoints/ is a plain file, which no user can write a checkpoint into
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/checkpoints"), "not a folder");

        // Then the check the driver makes before any Spark work says where and what to do
        assertThatThrownBy(() -> StoreLocation.checkWritable(dir.resolve("store").toUri().toString()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot write checkpoints under " + dir.resolve("store").toUri())
                .hasMessageContaining("Make the store's checkpoints/ folder writable");
    }

    @Test
    void aTaskThreadCountThatContradictsTheStoreIsRefused() {
        System.setProperty(SparkShardExecutor.TASK_THREADS_PROPERTY, "3");
        try {
            assertThatThrownBy(() -> SparkShardExecutor.taskThreads(SisaStores.CONFIG))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("contradicts the 2 PyTorch threads");
        } finally {
            System.clearProperty(SparkShardExecutor.TASK_THREADS_PROPERTY);
        }
        assertThat(SparkShardExecutor.taskThreads(SisaStores.CONFIG)).isEqualTo(2);
    }

    @Test
    void theConfigurationTravelsAsJsonAndComesBackWithItsFingerprint() {
        String json = SisaConfigJson.write(SisaStores.CONFIG);
        assertThat(SisaConfigJson.read(json).fingerprint()).isEqualTo(SisaStores.CONFIG.fingerprint());
        assertThat(SisaConfigJson.read(json)).usingRecursiveComparison().ignoringFields("model.family", "model.parameters")
                .isEqualTo(SisaStores.CONFIG);

        String edited = json.replace("\"epochs\" : 1", "\"epochs\" : 2");
        assertThat(edited).isNotEqualTo(json);
        assertThatThrownBy(() -> SisaConfigJson.read(edited)).hasMessageContaining("not the driver's");
    }

    private static String idInSlice(TrainingDataFile.Metadata shard, int slice) {
        for (int i = 0; i < shard.size(); i++) {
            if (shard.slices()[i] == slice) {
                return shard.ids().get(i);
            }
        }
        throw new AssertionError("no record in slice " + slice);
    }
}
