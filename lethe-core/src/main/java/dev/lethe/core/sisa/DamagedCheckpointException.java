package dev.lethe.core.sisa;

import dev.lethe.core.store.StoreException;

import java.nio.file.Path;

/**
 * A SISA checkpoint whose bytes are not the ones the manifest recorded (or that is missing): it is refused, never
 * loaded. Names the shard and the file, and says how to recompute it ({@code lethe repair}).
 */
public final class DamagedCheckpointException extends StoreException {

    private final transient CheckpointKey key;

    public DamagedCheckpointException(Path storeRoot, CheckpointKey key, String what) {
        super("checkpoint checkpoints/" + key.relativePath() + " of shard " + key.shard() + " (slice " + key.slice() + ") " + what
                + "; it is refused. Recompute it from the stored data with 'lethe repair --store " + storeRoot + "'");
        this.key = key;
    }

    /** The damaged checkpoint. */
    public CheckpointKey key() {
        return key;
    }
}
