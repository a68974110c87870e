package dev.lethe.core.sisa;

import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;

/**
 * The files shard work reads and writes in one SISA store: its checkpoints, verified against a manifest, and its
 * data files. The one place that makes them for a {@link Store}; services receive it instead of building their
 * own, and hand its parts to a shard executor.
 */
public final class ShardStorage {

    private final Store store;
    private final ShardDataStore data;

    public ShardStorage(Store store, ShardDataStore data) {
        this.store = store;
        this.data = data;
    }

    /** The checkpoint and data files of {@code store} on disk. */
    public static ShardStorage of(Store store) {
        return new ShardStorage(store, new FileShardDataStore(store));
    }

    public Store store() {
        return store;
    }

    public ShardDataStore data() {
        return data;
    }

    /** The store's checkpoints as {@code manifest} records them ({@link VerifiedCheckpointStore#of}). */
    public VerifiedCheckpointStore checkpoints(StoreManifest manifest) {
        return VerifiedCheckpointStore.of(store, manifest);
    }

    /** The checkpoints of a store being trained: nothing is known yet ({@link VerifiedCheckpointStore#fresh}). */
    public VerifiedCheckpointStore freshCheckpoints() {
        return VerifiedCheckpointStore.fresh(store);
    }
}
