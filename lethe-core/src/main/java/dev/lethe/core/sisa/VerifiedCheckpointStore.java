package dev.lethe.core.sisa;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.StoreManifest;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store's checkpoints as they must be (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 3): every checkpoint is read whole and its
 * SHA-256 compared with the digest the manifest recorded before a byte of it is used; a damaged or missing one is
 * a {@link DamagedCheckpointException}. A checkpoint written through this store has its digest learned on the
 * way out, so the next manifest can record it; writing a key whose digest is already known must reproduce those
 * bytes exactly (content addressing), else the write is refused and the file left as it was.
 *
 * <p>A file on disk whose digest no manifest recorded (left by a run killed before its switch) is not trusted:
 * {@link #contains} answers false, so the trainer recomputes it, which gives the same bytes. Stores written before
 * per-slice digests were kept ({@code checkpointDigests} absent) verify only what their manifest lists: the final
 * checkpoints.
 */
public final class VerifiedCheckpointStore implements CheckpointStore {

    private final Path storeRoot;
    private final FileCheckpointStore files;
    private final Map<CheckpointKey, String> known = new ConcurrentHashMap<>();
    private final boolean strict;

    private VerifiedCheckpointStore(Path storeRoot, FileCheckpointStore files, boolean strict) {
        this.storeRoot = storeRoot;
        this.files = files;
        this.strict = strict;
    }

    /** The checkpoints of {@code store}, verified against {@code manifest}'s digests. */
    public static VerifiedCheckpointStore of(Store store, StoreManifest manifest) {
        VerifiedCheckpointStore v = new VerifiedCheckpointStore(store.root(), FileCheckpointStore.of(store),
                manifest.checkpointDigests() != null);
        if (manifest.checkpointDigests() != null) {
            manifest.checkpointDigests().forEach((path, sha) -> CheckpointKey.parse(path).ifPresent(k -> v.known.put(k, sha)));
        }
        if (manifest.current() instanceof SisaModelVersion current && current.checkpoints() != null && current.checkpointSha256() != null) {
            for (int i = 0; i < current.checkpoints().size(); i++) {
                String sha = current.checkpointSha256().get(i);
                CheckpointKey.parse(current.checkpoints().get(i)).ifPresent(k -> v.known.put(k, sha));
            }
        }
        return v;
    }

    /** A new store's checkpoints: nothing is known yet, everything written is learned. */
    public static VerifiedCheckpointStore fresh(Store store) {
        return new VerifiedCheckpointStore(store.root(), FileCheckpointStore.of(store), true);
    }

    /** The files underneath, unverified (for listing and deleting). */
    public FileCheckpointStore files() {
        return files;
    }

    /** The digest recorded (or learned by a write) for {@code key}, if any. */
    public Optional<String> knownDigest(CheckpointKey key) {
        return Optional.ofNullable(known.get(key));
    }

    /** Whether the file of {@code key} is present with the recorded digest (reads the whole file). */
    public boolean isIntact(CheckpointKey key) throws IOException {
        String expected = known.get(key);
        return files.contains(key) && expected != null && expected.equals(files.sha256(key));
    }

    /**
     * The digests of {@code keys} for a manifest, by relative path: those recorded or learned by a write; in a store
     * from before per-slice digests, an unrecorded one is computed from its file (the first time it is recorded).
     */
    public Map<String, String> digests(java.util.Collection<CheckpointKey> keys) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        for (CheckpointKey key : keys) {
            String sha = known.get(key);
            if (sha == null) {
                if (strict) {
                    throw new IllegalStateException("no digest known for checkpoint " + key.relativePath() + ", which the manifest must record");
                }
                sha = files.sha256(key);
            }
            out.put(key.relativePath(), sha);
        }
        return out;
    }

    @Override
    public boolean contains(CheckpointKey key) {
        return files.contains(key) && (!strict || known.containsKey(key));
    }

    @Override
    public void put(CheckpointKey key, AtomicFiles.Writer content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        content.writeTo(bytes);
        byte[] data = bytes.toByteArray();
        String sha = DigestUtils.sha256Hex(data);
        String expected = known.get(key);
        if (expected != null && !expected.equals(sha)) {
            throw new StoreException("recomputing checkpoint checkpoints/" + key.relativePath() + " of shard " + key.shard()
                    + " gave SHA-256 " + sha.substring(0, 12) + "…, not the " + expected.substring(0, 12) + "… the manifest records:"
                    + " the retraining was not bit-identical (another thread count, engine version or CPU kernel path than the"
                    + " store was trained with?); the file was left as it was");
        }
        AtomicFiles.write(files.file(key), data);
        known.put(key, sha);
    }

    @Override
    public InputStream open(CheckpointKey key) throws IOException {
        return new ByteArrayInputStream(readVerified(key));
    }

    /** Refuses {@code key} as {@link #open} would, without loading it: for checkpoints a new version carries over. */
    public void verify(CheckpointKey key) throws IOException {
        readVerified(key);
    }

    private byte[] readVerified(CheckpointKey key) throws IOException {
        Path file = files.file(key);
        if (!Files.isRegularFile(file)) {
            throw new DamagedCheckpointException(storeRoot, key, "is missing");
        }
        byte[] data = Files.readAllBytes(file);
        String expected = known.get(key);
        if (expected == null) {
            if (strict) {
                throw new DamagedCheckpointException(storeRoot, key, "has no digest in the manifest, so it cannot be verified");
            }
            return data;
        }
        String actual = DigestUtils.sha256Hex(data);
        if (!actual.equals(expected)) {
            throw new DamagedCheckpointException(storeRoot, key, "is damaged: its SHA-256 is " + actual.substring(0, 12)
                    + "…, the manifest records " + expected.substring(0, 12) + "…");
        }
        return data;
    }

    @Override
    public void delete(CheckpointKey key) throws IOException {
        files.delete(key);
        known.remove(key);
    }

    @Override
    public Set<CheckpointKey> keys() throws IOException {
        return files.keys();
    }

    @Override
    public String sha256(CheckpointKey key) throws IOException {
        return files.sha256(key);
    }
}
