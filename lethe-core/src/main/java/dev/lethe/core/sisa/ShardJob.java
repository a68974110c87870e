package dev.lethe.core.sisa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One shard's training work, as an executor receives it (see docs/ARCHITECTURE.md, executors): train shard
 * {@code shard} from slice {@code fromSlice} to the last slice on the records of {@code dataFile}, whose
 * placement {@code lineage} gives, starting from the checkpoint of slice {@code fromSlice - 1}. A training
 * is a job per shard from slice 0; a forget is a job per dirty shard from its first dirty slice
 * ({@link ForgetPlan}). Every checkpoint the job writes has the key {@link #key} names, so any executor that
 * trains the same job yields the same keys, and a deterministic trainer the same bytes.
 *
 * @param shard the shard
 * @param fromSlice the first slice to train
 * @param dataFile the shard data file, relative to the store, that holds exactly the job's records in lineage order
 * @param lineage the placement of those records (every one in {@code shard})
 * @param configFingerprint the training configuration's fingerprint, part of every checkpoint key
 */
public record ShardJob(int shard, int fromSlice, String dataFile, Lineage lineage, String configFingerprint) {

    public ShardJob {
        if (fromSlice < 0 || fromSlice >= lineage.plan().slices()) {
            throw new IllegalArgumentException("shard " + shard + " cannot train from slice " + fromSlice + " of " + lineage.plan().slices());
        }
        for (int s : lineage.shards()) {
            if (s != shard) {
                throw new IllegalArgumentException("the lineage of a job for shard " + shard + " places a record in shard " + s);
            }
        }
    }

    /** Jobs that train every shard of {@code lineage} from slice 0, on the data files {@code dataFiles} (by shard) that hold its records. */
    public static List<ShardJob> wholeTraining(Lineage lineage, List<String> dataFiles, String configFingerprint) {
        ShardPlan plan = lineage.plan();
        List<ShardJob> jobs = new ArrayList<>();
        for (int s = 0; s < plan.shards(); s++) {
            int[] positions = lineage.trainingPositions(s, plan.slices() - 1);
            List<String> ids = new ArrayList<>(positions.length);
            int[] slices = new int[positions.length];
            for (int i = 0; i < positions.length; i++) {
                ids.add(lineage.id(positions[i]));
                slices[i] = lineage.placement(positions[i]).slice();
            }
            jobs.add(new ShardJob(s, 0, dataFiles.get(s), ShardFiles.shardLineage(plan, s, ids, slices), configFingerprint));
        }
        return jobs;
    }

    /** The key of the shard's checkpoint after slice {@code slice}. */
    public CheckpointKey key(int slice) {
        return lineage.checkpointKey(shard, slice, configFingerprint);
    }

    /** The checkpoint the job starts from: slice {@code fromSlice - 1}'s, or none when it trains from scratch. */
    public Optional<CheckpointKey> start() {
        return fromSlice == 0 ? Optional.empty() : Optional.of(key(fromSlice - 1));
    }

    /** The checkpoints the job writes (or finds already stored), slice {@code fromSlice} first. */
    public List<CheckpointKey> trainedKeys() {
        List<CheckpointKey> keys = new ArrayList<>();
        for (int k = fromSlice; k < lineage.plan().slices(); k++) {
            keys.add(key(k));
        }
        return keys;
    }

    /** Every checkpoint key of the shard once the job is done, slice 0 first. */
    public List<CheckpointKey> keys() {
        return ShardFiles.shardKeys(lineage, shard, configFingerprint);
    }

    /** The key of the shard's final checkpoint, the one a model version serves. */
    public CheckpointKey finalKey() {
        return key(lineage.plan().slices() - 1);
    }

    /** Positions in the job's records that slice {@code slice} trains on (slices 0..slice, cumulative). */
    public int[] trainingPositions(int slice) {
        return lineage.trainingPositions(shard, slice);
    }
}
