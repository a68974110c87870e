package dev.lethe.core.sisa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What forgetting a batch's matched records does to a SISA store, decided before any training (see
 * docs/ARCHITECTURE.md, forgetting as plan → execute → commit): the {@link RetrainPlan} of the forgotten
 * positions, and for each dirty shard the records it keeps, the new data file they go to and the
 * {@link ShardJob} that retrains it from its first dirty slice. Shards with nothing forgotten keep their data
 * file and checkpoints. Requests of one batch are matched together, so each dirty shard retrains once.
 *
 * @param retrain which shards retrain, from which slice
 * @param dirty one entry per dirty shard, in shard order
 * @param shards the current lineage of every shard, in shard order
 * @param configFingerprint the training configuration's fingerprint, part of every checkpoint key
 */
public record ForgetPlan(RetrainPlan retrain, List<DirtyShard> dirty, List<Lineage> shards, String configFingerprint) {

    /**
     * A shard that loses records.
     *
     * @param job its retraining, on the new data file
     * @param currentFile its current data file
     * @param kept the positions of {@code currentFile}'s records that remain, ascending: the new file's records
     */
    public record DirtyShard(ShardJob job, String currentFile, int[] kept) {
    }

    public ForgetPlan {
        dirty = List.copyOf(dirty);
        shards = List.copyOf(shards);
    }

    /**
     * The plan for forgetting, in each shard s, the positions {@code forgotten.get(s)} of its current data file.
     *
     * @param shards each shard's current lineage (the records of its data file, in file order)
     * @param currentFiles each shard's current data file
     * @param forgotten each shard's positions to forget (empty for an untouched shard)
     * @param version the model version the plan makes, which names the new data files
     */
    public static ForgetPlan of(List<Lineage> shards, List<String> currentFiles, List<Set<Integer>> forgotten, int version,
                                String configFingerprint) {
        if (shards.size() != currentFiles.size() || shards.size() != forgotten.size()) {
            throw new IllegalArgumentException(shards.size() + " shard lineages, " + currentFiles.size() + " data files and "
                    + forgotten.size() + " forgotten sets disagree");
        }
        Map<Integer, Integer> from = new TreeMap<>();
        for (int s = 0; s < shards.size(); s++) {
            from.putAll(RetrainPlan.of(shards.get(s), forgotten.get(s)).fromSlice());
        }
        RetrainPlan retrain = new RetrainPlan(from);
        List<DirtyShard> dirty = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : retrain.fromSlice().entrySet()) {
            int s = e.getKey();
            Set<Integer> gone = forgotten.get(s);
            int[] kept = IntStream.range(0, shards.get(s).size()).filter(i -> !gone.contains(i)).toArray();
            ShardJob job = new ShardJob(s, e.getValue(), ShardFiles.shardFile(s, version), shards.get(s).without(gone), configFingerprint);
            dirty.add(new DirtyShard(job, currentFiles.get(s), kept));
        }
        return new ForgetPlan(retrain, dirty, shards, configFingerprint);
    }

    /** The retraining jobs, one per dirty shard, in shard order. */
    public List<ShardJob> jobs() {
        return dirty.stream().map(DirtyShard::job).toList();
    }

    /** Whether shard {@code s} keeps its data and checkpoints. */
    public boolean untouched(int s) {
        return !retrain.fromSlice().containsKey(s);
    }

    /**
     * Every checkpoint key the store's records justify once the plan is done, shard by shard, slice 0 first:
     * the new keys of dirty shards and the unchanged keys of the others.
     */
    public List<CheckpointKey> keys() {
        Map<Integer, ShardJob> jobs = new TreeMap<>();
        dirty.forEach(d -> jobs.put(d.job().shard(), d.job()));
        List<CheckpointKey> keys = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            ShardJob job = jobs.get(s);
            keys.addAll(job != null ? job.keys() : ShardFiles.shardKeys(shards.get(s), s, configFingerprint));
        }
        return Collections.unmodifiableList(keys);
    }
}
