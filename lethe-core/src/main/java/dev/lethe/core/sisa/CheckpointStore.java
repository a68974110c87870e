package dev.lethe.core.sisa;

import dev.lethe.core.store.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Where SISA checkpoints live, by {@link CheckpointKey}. Content-addressed: a key names exactly one
 * content, so a checkpoint is never overwritten with different bytes, and a present key can be reused
 * instead of retrained (which is also how an interrupted retraining resumes).
 */
public interface CheckpointStore {

    boolean contains(CheckpointKey key);

    /** Stores the checkpoint atomically; storing an existing key again must give the same bytes. */
    void put(CheckpointKey key, AtomicFiles.Writer content) throws IOException;

    /** Opens a stored checkpoint; a missing key is an error that names it. */
    InputStream open(CheckpointKey key) throws IOException;

    /** Removes a checkpoint (no-op when absent). */
    void delete(CheckpointKey key) throws IOException;

    /** Every stored key. */
    Set<CheckpointKey> keys() throws IOException;

    /** SHA-256 of a stored checkpoint's bytes, hex. */
    String sha256(CheckpointKey key) throws IOException;
}
