package dev.lethe.core.sisa;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * SISA's partition of the training data (Bourtoule et al. 2021, "Machine Unlearning", §IV): S
 * disjoint shards, each split into R slices. Shard s trains slice by slice on cumulative data —
 * slice k trains on the shard's records of slices 0..k, starting from the checkpoint after slice k-1 —
 * so forgetting a record of slice k retrains shard s from the checkpoint of slice k-1 only.
 *
 * @param shards S, at least 1
 * @param slices R, at least 1
 * @param assignment how records are placed
 * @param seed seed of the placement hashes
 */
public record ShardPlan(int shards, int slices, Assignment assignment, long seed) {

    public ShardPlan {
        if (shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        }
        if (slices < 1) {
            throw new IllegalArgumentException("--slices must be at least 1, got " + slices);
        }
        if (assignment == null) {
            throw new IllegalArgumentException("an assignment is required: uniform, subject or class");
        }
    }

    /** Places every record of {@code records}; the result is aligned with the set's positions. */
    public Lineage place(RecordSet records) {
        int n = records.size();
        int[] shard = new int[n];
        int[] slice = new int[n];
        for (int i = 0; i < n; i++) {
            slice[i] = bucket(Seeds.derive(seed, "slice"), records.id(i), slices);
            shard[i] = switch (assignment) {
                case UNIFORM -> bucket(Seeds.derive(seed, "shard"), records.id(i), shards);
                case SUBJECT -> bucket(Seeds.derive(seed, "subject-shard"),
                        records.subject(i) != null ? "subject:" + records.subject(i) : "record:" + records.id(i), shards);
                case CLASS -> -1;
            };
        }
        if (assignment == Assignment.CLASS) {
            dealClassesRoundRobin(records, shard);
        }
        return new Lineage(this, records.ids(), shard, slice);
    }

    private void dealClassesRoundRobin(RecordSet records, int[] shard) {
        long order = Seeds.derive(seed, "class-order");
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < records.numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            byClass.get(records.label(i)).add(i);
        }
        for (List<Integer> members : byClass) {
            members.sort(Comparator.comparingLong((Integer i) -> Seeds.mix(order ^ Seeds.hash(records.id(i))))
                    .thenComparing(records::id));
            for (int k = 0; k < members.size(); k++) {
                shard[members.get(k)] = k % shards;
            }
        }
    }

    /** A seeded uniform bucket in {@code [0, buckets)} for a key. */
    private static int bucket(long purposeSeed, String key, int buckets) {
        return (int) Math.floor(Seeds.unitInterval(purposeSeed ^ Seeds.hash(key)) * buckets);
    }

    /** A short text that identifies the plan, for checkpoint digests and manifests. */
    public String describe() {
        return "shards=" + shards + ",slices=" + slices + ",assign=" + assignment.name().toLowerCase(java.util.Locale.ROOT) + ",seed=" + seed;
    }
}
