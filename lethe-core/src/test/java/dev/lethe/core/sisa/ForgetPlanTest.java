package dev.lethe.core.sisa;

import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plan step of forgetting: which shard jobs a batch makes, on which records, from which checkpoint. Pure Java. */
class ForgetPlanTest {

    private static final String FINGERPRINT = "config-fingerprint";
    private static final ShardPlan PLAN = new ShardPlan(5, 4, Assignment.UNIFORM, 11);

    /** n records r0.. with one feature and two classes. */
    private static RecordSet records(int n) {
        String[] ids = new String[n];
        float[] features = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "r" + i;
            features[i] = i;
            labels[i] = i % 2;
        }
        return new RecordSet("t", ids, null, features, labels, new int[]{1}, List.of("a", "b"));
    }

    private static final RecordSet ALL = records(400);
    private static final Lineage LINEAGE = PLAN.place(ALL);

    private static List<String> files(int version) {
        List<String> files = new ArrayList<>();
        for (int s = 0; s < PLAN.shards(); s++) {
            files.add(ShardFiles.shardFile(s, version));
        }
        return files;
    }

    /** Every shard's lineage as its data file holds it (what a store reads back). */
    private static List<Lineage> shards() {
        return ShardJob.wholeTraining(LINEAGE, files(1), FINGERPRINT).stream().map(ShardJob::lineage).toList();
    }

    /** The plan for forgetting records by id. */
    private static ForgetPlan planFor(Set<String> ids) {
        List<Lineage> shards = shards();
        List<Set<Integer>> forgotten = new ArrayList<>();
        for (Lineage shard : shards) {
            Set<Integer> gone = new TreeSet<>();
            for (int i = 0; i < shard.size(); i++) {
                if (ids.contains(shard.id(i))) {
                    gone.add(i);
                }
            }
            forgotten.add(gone);
        }
        return ForgetPlan.of(shards, files(1), forgotten, 2, FINGERPRINT);
    }

    @Test
    void aJobRetrainsWhatAFreshTrainingWithoutTheRecordsWouldTrain() {
        Set<String> gone = Set.of("r3", "r77", "r150", "r151");
        ForgetPlan plan = planFor(gone);
        Lineage fresh = PLAN.place(ALL.filter("rest", i -> !gone.contains(ALL.id(i))));
        List<Lineage> current = shards();

        assertThat(plan.jobs()).isNotEmpty();
        for (ShardJob job : plan.jobs()) {
            int s = job.shard();
            // from the first slice that held a forgotten record, in a new data file of the next version
            int firstDirty = gone.stream().map(id -> LINEAGE.placement(LINEAGE.position(id).orElseThrow()))
                    .filter(p -> p.shard() == s).mapToInt(Placement::slice).min().orElseThrow();
            assertThat(job.fromSlice()).isEqualTo(firstDirty);
            assertThat(job.dataFile()).isEqualTo(ShardFiles.shardFile(s, 2));
            // every checkpoint key, and every slice's records, as a training on D \ X has them
            for (int k = 0; k < PLAN.slices(); k++) {
                assertThat(job.key(k)).isEqualTo(fresh.checkpointKey(s, k, FINGERPRINT));
                List<String> trained = new ArrayList<>();
                for (int p : job.trainingPositions(k)) {
                    trained.add(job.lineage().id(p));
                }
                List<String> freshTrained = new ArrayList<>();
                for (int p : fresh.trainingPositions(s, k)) {
                    freshTrained.add(fresh.id(p));
                }
                assertThat(trained).isEqualTo(freshTrained);
            }
            assertThat(job.finalKey()).isEqualTo(fresh.checkpointKey(s, PLAN.slices() - 1, FINGERPRINT));
            assertThat(job.trainedKeys()).hasSize(PLAN.slices() - job.fromSlice()).first().isEqualTo(job.key(job.fromSlice()));
            // it starts from the checkpoint the current store holds for the slice before
            if (job.fromSlice() == 0) {
                assertThat(job.start()).isEmpty();
            } else {
                assertThat(job.start()).contains(current.get(s).checkpointKey(s, job.fromSlice() - 1, FINGERPRINT));
            }
        }
        // the kept positions are the current file's records minus the forgotten ones
        for (ForgetPlan.DirtyShard d : plan.dirty()) {
            Lineage shard = current.get(d.job().shard());
            List<String> kept = new ArrayList<>();
            for (int p : d.kept()) {
                kept.add(shard.id(p));
            }
            assertThat(d.currentFile()).isEqualTo(ShardFiles.shardFile(d.job().shard(), 1));
            assertThat(kept).doesNotContainAnyElementsOf(gone).hasSize(shard.size() - (int) gone.stream()
                    .filter(id -> LINEAGE.placement(LINEAGE.position(id).orElseThrow()).shard() == d.job().shard()).count());
        }
    }

    @Test
    void aBatchPlansTheUnionOfItsRequests() {
        Set<String> first = Set.of("r10", "r20", "r30");
        Set<String> second = Set.of("r11", "r200", "r399");
        Set<String> both = new HashSet<>(first);
        both.addAll(second);
        ForgetPlan a = planFor(first);
        ForgetPlan b = planFor(second);
        ForgetPlan batch = planFor(both);

        Map<Integer, Integer> union = new TreeMap<>(a.retrain().fromSlice());
        b.retrain().fromSlice().forEach((s, k) -> union.merge(s, k, Math::min));
        assertThat(batch.retrain().fromSlice()).isEqualTo(union);
        // one job per dirty shard, in shard order: each shard retrains once for the whole batch
        assertThat(batch.jobs()).extracting(ShardJob::shard).containsExactlyElementsOf(union.keySet());
        // and the same RetrainPlan the store-wide lineage gives
        Set<Integer> positions = new TreeSet<>();
        both.forEach(id -> positions.add(LINEAGE.position(id).orElseThrow()));
        assertThat(batch.retrain()).isEqualTo(RetrainPlan.of(LINEAGE, positions));
    }

    @Test
    void aShardWithNothingMatchedIsUntouched() {
        ForgetPlan plan = planFor(Set.of("r5"));
        int dirty = LINEAGE.placement(LINEAGE.position("r5").orElseThrow()).shard();
        List<Lineage> shards = shards();
        for (int s = 0; s < PLAN.shards(); s++) {
            assertThat(plan.untouched(s)).as("shard " + s).isEqualTo(s != dirty);
        }
        assertThat(plan.jobs()).hasSize(1);
        // the keys the next version justifies: the untouched shards' current ones, the dirty shard's new ones
        List<CheckpointKey> keys = plan.keys();
        assertThat(keys).hasSize(PLAN.shards() * PLAN.slices());
        for (int s = 0; s < PLAN.shards(); s++) {
            List<CheckpointKey> shardKeys = keys.subList(s * PLAN.slices(), (s + 1) * PLAN.slices());
            assertThat(shardKeys).isEqualTo(s == dirty ? plan.jobs().get(0).keys() : ShardFiles.shardKeys(shards.get(s), s, FINGERPRINT));
        }
    }

    @Test
    void nothingForgottenPlansNothing() {
        ForgetPlan plan = planFor(Set.of("not-a-record"));
        assertThat(plan.retrain().isEmpty()).isTrue();
        assertThat(plan.jobs()).isEmpty();
        List<CheckpointKey> every = new ArrayList<>();
        for (int s = 0; s < PLAN.shards(); s++) {
            every.addAll(ShardFiles.shardKeys(LINEAGE, s, FINGERPRINT));
        }
        assertThat(plan.keys()).isEqualTo(every);
    }

    @Test
    void aTrainingIsOneJobPerShardFromSliceZeroWithTheKeysOfTheWholeLineage() {
        List<ShardJob> jobs = ShardJob.wholeTraining(LINEAGE, files(1), FINGERPRINT);
        assertThat(jobs).extracting(ShardJob::shard).containsExactly(0, 1, 2, 3, 4);
        int records = 0;
        for (ShardJob job : jobs) {
            assertThat(job.fromSlice()).isZero();
            assertThat(job.start()).isEmpty();
            assertThat(job.dataFile()).isEqualTo(ShardFiles.shardFile(job.shard(), 1));
            assertThat(job.keys()).isEqualTo(ShardFiles.shardKeys(LINEAGE, job.shard(), FINGERPRINT)).isEqualTo(job.trainedKeys());
            records += job.lineage().size();
        }
        assertThat(records).isEqualTo(ALL.size());
        // a job's lineage holds its shard's records only
        Lineage other = ShardFiles.shardLineage(PLAN, 1, List.of("x"), new int[]{0});
        assertThatThrownBy(() -> new ShardJob(0, 0, "data/x.bin", other, FINGERPRINT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShardJob(1, PLAN.slices(), "data/x.bin", other, FINGERPRINT)).isInstanceOf(IllegalArgumentException.class);
    }
}
