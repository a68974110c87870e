package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.InMemoryCheckpointStore;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.RetrainPlan;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SISA over authors on a language model (issue 13's figure): after forgetting one author, every shard model is
 * bit-identical to the one a from-scratch SISA training on the data without that author produces, as
 * {@link SisaExactnessTest} shows for classifiers; only the author's shard retrains.
 */
class SisaTokenExactnessTest {

    private static final RecordSet TRAIN = AuthorQa.records("author-qa", "qa");
    static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(3, 2, Assignment.SUBJECT, 42), AuthorQa.TINY_LM,
            new TrainConfig(2, 4, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 42), Aggregation.MEAN_SOFTMAX, 2);

    @Test
    void forgettingAnAuthorRetrainsItsShardOnlyAndEqualsTrainingWithoutTheAuthor() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        SisaTrainer trainer = new SisaTrainer(CONFIG, store, Device.cpu());
        Lineage lineage = CONFIG.plan().place(TRAIN);
        List<CheckpointKey> before = trainer.trainAll(TRAIN, lineage);
        int writesAfterTraining = store.writes();

        // When one author is forgotten: the author's shard retrains from its first dirty slice on the rest
        String author = AuthorQa.AUTHORS.get(2);
        Set<Integer> forgotten = new HashSet<>();
        for (int i = 0; i < TRAIN.size(); i++) {
            if (author.equals(TRAIN.subject(i))) {
                forgotten.add(i);
            }
        }
        assertThat(forgotten).hasSize(3);
        RetrainPlan plan = RetrainPlan.of(lineage, forgotten);
        assertThat(plan.fromSlice()).hasSize(1);
        RecordSet remaining = TRAIN.filter(TRAIN.name(), i -> !forgotten.contains(i));
        Lineage remainingLineage = lineage.without(forgotten);
        List<CheckpointKey> after = new ArrayList<>(before);
        for (Map.Entry<Integer, Integer> e : plan.fromSlice().entrySet()) {
            after.set(e.getKey(), trainer.trainShard(remaining, remainingLineage, e.getKey(), e.getValue()));
        }
        int retrained = plan.fromSlice().values().stream().mapToInt(from -> CONFIG.plan().slices() - from).sum();

        // And a fresh SISA training runs on the data without the author
        InMemoryCheckpointStore freshStore = new InMemoryCheckpointStore();
        List<CheckpointKey> fresh = new SisaTrainer(CONFIG, freshStore, Device.cpu()).trainAll(remaining, CONFIG.plan().place(remaining));

        // Then every shard's final checkpoint has the same key and the same bytes, and only the author's shard changed
        assertThat(after).isEqualTo(fresh);
        for (CheckpointKey key : after) {
            assertThat(store.sha256(key)).as(key.relativePath()).isEqualTo(freshStore.sha256(key));
        }
        assertThat(store.writes() - writesAfterTraining).isEqualTo(retrained);
        int dirty = plan.fromSlice().keySet().iterator().next();
        for (int s = 0; s < CONFIG.plan().shards(); s++) {
            if (s == dirty) {
                assertThat(after.get(s)).isNotEqualTo(before.get(s));
            } else {
                assertThat(after.get(s)).isEqualTo(before.get(s));
            }
        }
    }
}
