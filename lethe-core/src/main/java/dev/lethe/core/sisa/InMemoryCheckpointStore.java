package dev.lethe.core.sisa;

import dev.lethe.core.store.AtomicFiles;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A strict in-memory {@link CheckpointStore} for tests: storing a key again with different bytes
 * (a broken content address) throws, opening a missing key throws, and it counts writes so a test can
 * assert that untouched shards were not retrained.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<CheckpointKey, byte[]> content = new HashMap<>();
    private int writes;

    @Override
    public synchronized boolean contains(CheckpointKey key) {
        return content.containsKey(key);
    }

    @Override
    public synchronized void put(CheckpointKey key, AtomicFiles.Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.writeTo(bytes);
        byte[] b = bytes.toByteArray();
        byte[] old = content.get(key);
        if (old != null && !Arrays.equals(old, b)) {
            throw new IllegalStateException("checkpoint " + key.relativePath() + " stored twice with different bytes:"
                    + " training is not deterministic, or the key does not cover all inputs");
        }
        content.put(key, b);
        writes++;
    }

    @Override
    public synchronized InputStream open(CheckpointKey key) {
        byte[] b = content.get(key);
        if (b == null) {
            throw new NoSuchElementException("no checkpoint " + key.relativePath());
        }
        return new ByteArrayInputStream(b);
    }

    @Override
    public synchronized void delete(CheckpointKey key) {
        content.remove(key);
    }

    @Override
    public synchronized Set<CheckpointKey> keys() {
        return Set.copyOf(content.keySet());
    }

    @Override
    public synchronized String sha256(CheckpointKey key) {
        return DigestUtils.sha256Hex(content.get(key));
    }

    /** How many puts happened (including identical re-puts). */
    public synchronized int writes() {
        return writes;
    }
}
