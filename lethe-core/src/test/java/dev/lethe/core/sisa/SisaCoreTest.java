package dev.lethe.core.sisa;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shard plans, lineage, retrain plans, checkpoint keys and stores, aggregation, data files: pure Java, milliseconds. */
class SisaCoreTest {

    /** 1,000 records, 10 classes, 50 subjects, 2 features. */
    private static RecordSet records(int n) {
        String[] ids = new String[n];
        String[] subjects = new String[n];
        int[] labels = new int[n];
        float[] features = new float[n * 2];
        for (int i = 0; i < n; i++) {
            ids[i] = "r" + i;
            subjects[i] = "p" + (i % 50);
            labels[i] = i % 10;
            features[2 * i] = i;
            features[2 * i + 1] = -i;
        }
        return new RecordSet("t", ids, subjects, features, labels, new int[]{2}, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    @Test
    void uniformAndSubjectPlacementsArePureFunctionsOfTheRecord() {
        RecordSet all = records(1000);
        RecordSet without = all.filter("t", i -> i % 7 != 0);
        for (Assignment a : new Assignment[]{Assignment.UNIFORM, Assignment.SUBJECT}) {
            ShardPlan plan = new ShardPlan(6, 4, a, 9);
            Lineage full = plan.place(all);
            Lineage rest = plan.place(without);
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.placement(i)).isEqualTo(full.placement(full.position(rest.id(i)).orElseThrow()));
            }
            // every shard and slice is used
            Set<Placement> used = new HashSet<>();
            for (int i = 0; i < full.size(); i++) {
                used.add(full.placement(i));
            }
            assertThat(used).hasSize(24);
        }
        assertThat(Assignment.CLASS.isPure()).isFalse();
    }

    @Test
    void subjectPlacementKeepsAPersonInOneShard() {
        RecordSet all = records(1000);
        Lineage lineage = new ShardPlan(6, 4, Assignment.SUBJECT, 1).place(all);
        Map<String, Set<Integer>> shardsOfPerson = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            shardsOfPerson.computeIfAbsent(all.subject(i), k -> new HashSet<>()).add(lineage.placement(i).shard());
        }
        assertThat(shardsOfPerson.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    }

    @Test
    void classBalancedPlacementGivesEveryShardTheSameShareOfEachClass() {
        RecordSet all = records(1000);
        Lineage lineage = new ShardPlan(4, 2, Assignment.CLASS, 1).place(all);
        int[][] counts = new int[4][10];
        for (int i = 0; i < all.size(); i++) {
            counts[lineage.placement(i).shard()][all.label(i)]++;
        }
        for (int[] shard : counts) {
            assertThat(Arrays.stream(shard).min().orElseThrow()).isGreaterThanOrEqualTo(25);
            assertThat(Arrays.stream(shard).max().orElseThrow()).isLessThanOrEqualTo(25);
        }
    }

    @Test
    void aRetrainPlanStartsEachShardAtItsFirstDirtySliceAndTheCostModelCountsCumulativeData() {
        ShardPlan plan = new ShardPlan(2, 3, Assignment.UNIFORM, 1);
        // records 0..5 placed by hand: shard, slice
        Lineage lineage = new Lineage(plan, List.of("a", "b", "c", "d", "e", "f"), new int[]{0, 0, 0, 1, 1, 1}, new int[]{0, 1, 2, 0, 1, 2});
        RetrainPlan retrain = RetrainPlan.of(lineage, List.of(2, 4, 5));
        assertThat(retrain.fromSlice()).containsExactly(Map.entry(0, 2), Map.entry(1, 1));
        // shard 0 from slice 2: 3 records; shard 1 from slice 1: 2 + 3 records; times 2 epochs
        assertThat(RetrainPlan.cost(lineage, retrain.fromSlice(), 2)).isEqualTo((3 + 2 + 3) * 2);
        assertThat(lineage.trainingPositions(1, 1)).containsExactly(3, 4);
        assertThat(RetrainPlan.of(lineage, List.of()).isEmpty()).isTrue();
    }

    @Test
    void checkpointKeysDependOnExactlyTheRecordsSeenAndTheConfiguration() {
        ShardPlan plan = new ShardPlan(2, 3, Assignment.UNIFORM, 1);
        Lineage lineage = new Lineage(plan, List.of("a", "b", "c", "d"), new int[]{0, 0, 0, 1}, new int[]{0, 1, 2, 0});
        Lineage withoutC = lineage.without(List.of(2));
        assertThat(withoutC.checkpointKey(0, 1, "cfg")).isEqualTo(lineage.checkpointKey(0, 1, "cfg"));
        assertThat(withoutC.checkpointKey(0, 2, "cfg")).isNotEqualTo(lineage.checkpointKey(0, 2, "cfg"));
        assertThat(lineage.checkpointKey(0, 1, "other")).isNotEqualTo(lineage.checkpointKey(0, 1, "cfg"));
        CheckpointKey key = lineage.checkpointKey(1, 0, "cfg");
        assertThat(CheckpointKey.parse(key.relativePath())).contains(key);
        assertThat(CheckpointKey.parse("shard-001/slice-000-abc.ckpt")).isEmpty();
    }

    @Test
    void theInMemoryStoreRefusesABrokenContentAddress() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        CheckpointKey key = new CheckpointKey(0, 0, "0".repeat(64));
        store.put(key, out -> out.write(1));
        store.put(key, out -> out.write(1));
        assertThat(store.writes()).isEqualTo(2);
        assertThatThrownBy(() -> store.put(key, out -> out.write(2))).hasMessageContaining("different bytes");
        assertThatThrownBy(() -> store.open(new CheckpointKey(1, 0, "0".repeat(64)))).hasMessageContaining("no checkpoint");
    }

    @Test
    void theFileStoreListsKeysAndStrayFiles(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        CheckpointKey key = new CheckpointKey(2, 1, "ab".repeat(32));
        store.put(key, out -> out.write(new byte[]{1, 2, 3}));
        Files.writeString(dir.resolve("shard-002/.tmp-left-by-a-crash"), "x");
        assertThat(store.keys()).containsExactly(key);
        assertThat(store.strayFiles()).hasSize(1);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (var in = store.open(key)) {
            in.transferTo(read);
        }
        assertThat(read.toByteArray()).containsExactly(1, 2, 3);
        store.delete(key);
        assertThatThrownBy(() -> store.open(key)).hasMessageContaining("missing");
    }

    @Test
    void aggregationBreaksTiesDeterministically() {
        float[][] tie = {{0.6f, 0.4f, 0f}, {0.1f, 0.9f, 0f}};
        // one vote each: the larger mean probability (class 1: 0.65 vs 0.35) wins
        assertThat(Aggregation.MAJORITY_VOTE.predict(tie)).isEqualTo(1);
        float[][] exactTie = {{0.5f, 0.5f}, {0.5f, 0.5f}};
        assertThat(Aggregation.MAJORITY_VOTE.predict(exactTie)).isZero();
        assertThat(Aggregation.MEAN_SOFTMAX.predict(exactTie)).isZero();
        float[][] votes = {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.0f, 1.0f}};
        assertThat(Aggregation.MAJORITY_VOTE.predict(votes)).isZero();
        assertThat(Aggregation.MAJORITY_VOTE.scores(votes)[0]).isCloseTo(2f / 3, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(Aggregation.parse("majority_vote")).isEqualTo(Aggregation.MAJORITY_VOTE);
        assertThatThrownBy(() -> Aggregation.parse("median")).hasMessageContaining("use vote or softmax");
    }

    @Test
    void dataFilesRoundTripWithTheirPlacementAndRefuseTruncation(@TempDir Path dir) throws Exception {
        RecordSet all = records(100);
        Lineage lineage = new ShardPlan(3, 2, Assignment.SUBJECT, 5).place(all);
        Path file = dir.resolve("train.bin");
        String sha = TrainingDataFile.write(file, all, lineage.slices());
        assertThat(sha).isEqualTo(dev.lethe.core.store.Store.sha256(file));
        TrainingDataFile.Content back = TrainingDataFile.read(file);
        assertThat(back.records().fingerprint()).isEqualTo(all.fingerprint());
        assertThat(back.slices()).isEqualTo(lineage.slices());
        TrainingDataFile.Metadata meta = TrainingDataFile.readMetadata(file);
        assertThat(meta.ids()).isEqualTo(all.ids());
        assertThat(meta.labels()).isEqualTo(all.labels());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> TrainingDataFile.read(file)).isInstanceOf(DataFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void badPlansAreRefused() {
        assertThatThrownBy(() -> new ShardPlan(0, 1, Assignment.UNIFORM, 1)).hasMessageContaining("--shards");
        assertThatThrownBy(() -> new ShardPlan(1, 0, Assignment.UNIFORM, 1)).hasMessageContaining("--slices");
        assertThatThrownBy(() -> Assignment.parse("random")).hasMessageContaining("uniform, subject or class");
    }
}
