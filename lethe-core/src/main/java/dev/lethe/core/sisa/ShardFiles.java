package dev.lethe.core.sisa;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SISA store's per-shard data files back into a {@link Lineage} and record sets. The store's
 * lineage is the concatenation of the shards' records (shard 0 first); within a shard, records keep
 * their original order, which is the order checkpoint keys and training use.
 */
public final class ShardFiles {

    private ShardFiles() {
    }

    /** File names of a new data version. */
    public static String shardFile(int shard, int version) {
        return String.format(java.util.Locale.ROOT, "data/shard-%03d-v%d.bin", shard, version);
    }

    public static String testFile(int version) {
        return "data/test-v" + version + ".bin";
    }

    /** The metadata of every shard's file, in shard order. */
    public static List<TrainingDataFile.Metadata> metadata(Store store, StoreManifest manifest) throws IOException {
        return new FileShardDataStore(store).metadata(manifest.dataFiles().shards());
    }

    /** The lineage of shard {@code s} alone: enough for its checkpoint keys and its retraining. */
    public static Lineage shardLineage(ShardPlan plan, int s, List<String> ids, int[] slices) {
        int[] shards = new int[ids.size()];
        java.util.Arrays.fill(shards, s);
        return new Lineage(plan, ids, shards, slices);
    }

    /** Every checkpoint key that the shards' current records justify: one per (shard, slice). */
    public static List<CheckpointKey> validKeys(ShardPlan plan, List<TrainingDataFile.Metadata> shards, String configFingerprint) {
        List<CheckpointKey> keys = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            keys.addAll(shardKeys(shardLineage(plan, s, shards.get(s).ids(), shards.get(s).slices()), s, configFingerprint));
        }
        return keys;
    }

    /** The keys of shard {@code s}'s checkpoints under {@code lineage}, slice 0 first. */
    public static List<CheckpointKey> shardKeys(Lineage lineage, int s, String configFingerprint) {
        List<CheckpointKey> keys = new ArrayList<>();
        for (int k = 0; k < lineage.plan().slices(); k++) {
            keys.add(lineage.checkpointKey(s, k, configFingerprint));
        }
        return keys;
    }

    /** All training records of the store (every shard's, concatenated). */
    public static RecordSet training(Store store, StoreManifest manifest) throws IOException {
        List<RecordSet> parts = new ArrayList<>();
        for (String f : manifest.dataFiles().shards()) {
            parts.add(TrainingDataFile.read(store.root().resolve(f)).records());
        }
        return RecordSet.concat(manifest.dataset().source().name() + "/train", parts);
    }

    /** The store's held-out records. */
    public static RecordSet test(Store store, StoreManifest manifest) throws IOException {
        return TrainingDataFile.read(store.root().resolve(manifest.dataFiles().test())).records();
    }

    /** Writes each shard's records with their slices; returns (paths, SHA-256s) in shard order. */
    public static StoreManifest.DataFiles writeAll(Store store, RecordSet train, Lineage lineage, RecordSet test, int version) throws IOException {
        List<String> paths = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        for (int s = 0; s < lineage.plan().shards(); s++) {
            int[] positions = lineage.trainingPositions(s, lineage.plan().slices() - 1);
            int[] slices = new int[positions.length];
            for (int i = 0; i < positions.length; i++) {
                slices[i] = lineage.placement(positions[i]).slice();
            }
            String path = shardFile(s, version);
            paths.add(path);
            shas.add(TrainingDataFile.write(store.root().resolve(path), train.select(train.name() + "/shard-" + s, positions), slices));
        }
        String testPath = testFile(version);
        String testSha = TrainingDataFile.write(store.root().resolve(testPath), test, null);
        return new StoreManifest.DataFiles(paths, shas, testPath, testSha);
    }
}
