package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shard executors plug in through the registry, and any executor trains and forgets to the checkpoints the local
 * one does: {@link CopyingShardExecutor}, known only to test sources, runs the shards in reverse order through a
 * worker folder of its own.
 */
class ShardExecutorTest {

    private static final DatasetRef.Loaded DATA = withSubjects(Digits.split());
    private static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(3, 3, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:16", new int[]{64}, 10), new TrainConfig(1, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, 2);

    private static DatasetRef.Loaded withSubjects(DatasetRef.Loaded d) {
        return new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42), PseudoSubjects.assign(d.test(), 60, 42), d.fingerprint());
    }

    @Test
    void anExecutorFromTestSourcesIsFoundByNameBesideTheBuiltInOne() {
        assertThat(ShardExecutors.names()).startsWith(LocalShardExecutor.NAME).contains(CopyingShardExecutor.NAME);
        assertThat(ShardExecutors.get(CopyingShardExecutor.NAME)).isInstanceOf(CopyingShardExecutor.class);
        assertThat(ShardExecutors.local()).isInstanceOf(LocalShardExecutor.class).isSameAs(ShardExecutors.get(LocalShardExecutor.NAME));
        assertThatThrownBy(() -> ShardExecutors.get("spark"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown shard executor 'spark'").hasMessageContaining(LocalShardExecutor.NAME + ", ");
    }

    @Test
    void trainingAndForgettingThroughAnotherExecutorGiveTheLocalCheckpoints(@TempDir Path dir) throws Exception {
        // Given one store trained by the local executor and one by the copying executor
        Store local = SisaService.train(dir.resolve("local"), DATA, CONFIG, false, ShardExecutors.local(), Device.cpu(),
                TrainListener.NONE, e -> {
                }).store();
        List<SliceEvent> copiedSlices = new ArrayList<>();
        CopyingShardExecutor.RAN.clear();
        SisaService.Outcome copied = SisaService.train(dir.resolve("copied"), DATA, CONFIG, false, ShardExecutors.get(CopyingShardExecutor.NAME),
                Device.cpu(), TrainListener.NONE, copiedSlices::add);
        Store remote = copied.store();

        // Then it ran every shard, last one first, and the stores hold the same checkpoints with the same bytes
        assertThat(CopyingShardExecutor.RAN).containsExactly(2, 1, 0);
        assertThat(copiedSlices).hasSize(9);
        assertThat(copied.slices()).extracting(e -> e.key().shard()).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2);
        assertSameCheckpoints(local, remote);

        // When the same person is forgotten in both, through each store's executor
        String person = DATA.train().subject(7);
        Receipt localReceipt = forget(new ForgetService(local, Device.cpu()), person);
        CopyingShardExecutor.RAN.clear();
        Receipt remoteReceipt = forget(new ForgetService(ShardStorage.of(remote), Device.cpu(), null)
                .executor(ShardExecutors.get(CopyingShardExecutor.NAME)), person);

        // Then the same shard retrained from the same slice to the same checkpoints, and both stores audit clean
        assertThat(CopyingShardExecutor.RAN).hasSize(1);
        assertThat(remoteReceipt.retrained()).hasSize(1);
        assertThat(remoteReceipt.retrained()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("seconds")
                .isEqualTo(localReceipt.retrained());
        assertThat(remoteReceipt.matchedTrainRecords()).isEqualTo(localReceipt.matchedTrainRecords()).isPositive();
        assertSameCheckpoints(local, remote);
        assertThat(remote.readManifest().dataFiles()).isEqualTo(local.readManifest().dataFiles());
        assertThat(StoreAudit.run(local).passed()).isTrue();
        assertThat(StoreAudit.run(remote).passed()).isTrue();
    }

    private static Receipt forget(ForgetService service, String person) throws Exception {
        service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(person), null, null), "tester");
        return service.process().get(0);
    }

    /** The served checkpoints and every slice's checkpoint digest agree between the stores. */
    private static void assertSameCheckpoints(Store a, Store b) {
        StoreManifest ma = a.readManifest();
        StoreManifest mb = b.readManifest();
        assertThat(mb.currentSisa().checkpoints()).isEqualTo(ma.currentSisa().checkpoints()).hasSize(3);
        assertThat(mb.currentSisa().checkpointSha256()).isEqualTo(ma.currentSisa().checkpointSha256());
        assertThat(mb.checkpointDigests()).isEqualTo(ma.checkpointDigests()).hasSize(9);
    }
}
