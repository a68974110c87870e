package dev.lethe.torch.sisa;

import dev.lethe.torch.Spread;
import ai.djl.Device;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.InMemoryCheckpointStore;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.RetrainPlan;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test of the SISA design (docs/ARCHITECTURE.md#exact-unlearning-sisa): after forgetting X, every shard model is
 * bit-identical to the one a from-scratch SISA training on D \ X produces, and untouched shards are not
 * retrained.
 */
class SisaExactnessTest {

    private static final RecordSet TRAIN = PseudoSubjects.assign(Digits.split().train(), 60, 42);
    private static final ModelSpec SPEC = ModelSpec.parse("mlp:32", new int[]{64}, 10);
    private static final TrainConfig PER_SLICE = new TrainConfig(2, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42);

    private static SisaConfig config(Assignment assignment) {
        return config(assignment, SPEC);
    }

    private static SisaConfig config(Assignment assignment, ModelSpec spec) {
        return new SisaConfig(new ShardPlan(4, 3, assignment, 42), spec, PER_SLICE, Aggregation.MAJORITY_VOTE, 2);
    }

    /** Forgets {@code forgotten} positions from a full training and checks equality with training on D \ X. */
    private static void assertForgetEqualsRetraining(SisaConfig config, Set<Integer> forgotten) throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        SisaTrainer trainer = new SisaTrainer(config, store, Device.cpu());
        Lineage lineage = config.plan().place(TRAIN);
        List<CheckpointKey> before = trainer.trainAll(TRAIN, lineage);
        int writesAfterTraining = store.writes();

        // When X is forgotten: each affected shard retrains from its first dirty slice on D \ X
        RetrainPlan plan = RetrainPlan.of(lineage, forgotten);
        RecordSet remaining = TRAIN.filter(TRAIN.name(), i -> !forgotten.contains(i));
        Lineage remainingLineage = lineage.without(forgotten);
        List<CheckpointKey> after = new ArrayList<>(before);
        for (Map.Entry<Integer, Integer> e : plan.fromSlice().entrySet()) {
            after.set(e.getKey(), trainer.trainShard(remaining, remainingLineage, e.getKey(), e.getValue()));
        }
        int retrainedSlices = plan.fromSlice().values().stream().mapToInt(from -> config.plan().slices() - from).sum();

        // And a fresh SISA training runs on D \ X with the same config and seed
        InMemoryCheckpointStore freshStore = new InMemoryCheckpointStore();
        List<CheckpointKey> fresh = new SisaTrainer(config, freshStore, Device.cpu())
                .trainAll(remaining, config.plan().place(remaining));

        // Then every shard's final checkpoint has the same key and the same bytes
        assertThat(after).isEqualTo(fresh);
        for (CheckpointKey key : after) {
            assertThat(store.sha256(key)).as(key.relativePath()).isEqualTo(freshStore.sha256(key));
        }
        // And only the affected shards' dirty slices were trained again
        assertThat(store.writes() - writesAfterTraining).isEqualTo(retrainedSlices);
        for (int s = 0; s < config.plan().shards(); s++) {
            if (!plan.fromSlice().containsKey(s)) {
                assertThat(after.get(s)).isEqualTo(before.get(s));
            } else {
                assertThat(after.get(s)).isNotEqualTo(before.get(s));
            }
        }
    }

    @Test
    void forgettingRandomRecordsEqualsRetrainingWithoutThem() throws Exception {
        Random random = new Random(7);
        Set<Integer> forgotten = new HashSet<>();
        while (forgotten.size() < 5) {
            forgotten.add(random.nextInt(TRAIN.size()));
        }
        assertForgetEqualsRetraining(config(Assignment.UNIFORM), forgotten);
    }

    @Test
    void onAUsersTorchScriptArchitectureForgettingEqualsRetrainingToo() throws Exception {
        // the architecture of a module scripted in Python (src/test/resources/torchscript), each shard from fresh weights
        byte[] module;
        try (var in = SisaExactnessTest.class.getResourceAsStream("/torchscript/mlp-64-10.pt")) {
            module = in.readAllBytes();
        }
        ModelSpec spec;
        try (var imported = dev.lethe.torch.model.TorchScriptModules.open(module, "mlp-64-10.pt", new int[]{64}, 10, Device.cpu())) {
            spec = imported.spec();
        }
        assertForgetEqualsRetraining(config(Assignment.UNIFORM, spec), Set.of(3, 100, 700));
    }

    @Test
    void forgettingAWholeSubjectRetrainsOneShardAndEqualsRetraining() throws Exception {
        SisaConfig config = config(Assignment.SUBJECT);
        String subject = TRAIN.subject(0);
        Set<Integer> forgotten = new HashSet<>();
        for (int i = 0; i < TRAIN.size(); i++) {
            if (subject.equals(TRAIN.subject(i))) {
                forgotten.add(i);
            }
        }
        assertThat(forgotten).hasSizeGreaterThan(5);
        assertThat(RetrainPlan.of(config.plan().place(TRAIN), forgotten).fromSlice()).hasSize(1);
        assertForgetEqualsRetraining(config, forgotten);
    }

    @Test
    void theEnsembleClassifiesDigitsWell() throws Exception {
        SisaConfig config = new SisaConfig(new ShardPlan(3, 2, Assignment.UNIFORM, 1), ModelSpec.parse("mlp", new int[]{64}, 10),
                new TrainConfig(10, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(1)), Aggregation.MEAN_SOFTMAX, 2);
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        List<CheckpointKey> keys = new SisaTrainer(config, store, Device.cpu()).trainAll(TRAIN, config.plan().place(TRAIN));
        try (SisaEnsemble ensemble = SisaEnsemble.load(store, keys, Aggregation.MEAN_SOFTMAX, Device.cpu())) {
            assertThat(Spread.measure("sisa 3x2 ensemble test-acc", ensemble.evaluate(Digits.split().test()).accuracy())).isGreaterThan(0.93);
        }
    }
}
