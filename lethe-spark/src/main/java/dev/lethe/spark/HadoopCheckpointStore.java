package dev.lethe.spark;

import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.StoreException;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store's {@code checkpoints/} folder as a Spark task sees it, through a Hadoop file system: the same relative paths as
 * {@code FileCheckpointStore}, content-addressed, each written under a temporary name and renamed.
 *
 * <p>Trust works as in the store's verified checkpoints: the task is handed the SHA-256 of every checkpoint the driver
 * verified against the manifest ({@code trusted}). Only those count as present ({@link #contains}), and each is checked
 * against its digest when read; a file nobody vouches for (a killed run's) is trained again, which gives the same bytes.
 * Writing a trusted key with other bytes is refused (the retraining was not bit-identical). {@link #written} is the
 * digest of every checkpoint written or found, which the task reports back.
 */
final class HadoopCheckpointStore implements CheckpointStore {

    private static final String FOLDER = "checkpoints/";

    private final HadoopFiles files;
    private final Map<String, String> trusted;
    private final Map<String, String> written = new ConcurrentHashMap<>();

    HadoopCheckpointStore(HadoopFiles files, Map<String, String> trusted) {
        this.files = files;
        this.trusted = Map.copyOf(trusted);
    }

    /** SHA-256 by checkpoint path of every checkpoint put or read through this store. */
    Map<String, String> written() {
        return Collections.unmodifiableMap(written);
    }

    @Override
    public boolean contains(CheckpointKey key) {
        try {
            return trusted.containsKey(key.relativePath()) && files.isFile(FOLDER + key.relativePath());
        } catch (IOException e) {
            throw new StoreException("cannot look for checkpoint " + key.relativePath() + " under " + files.uri() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(CheckpointKey key, AtomicFiles.Writer content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        content.writeTo(out);
        byte[] bytes = out.toByteArray();
        String sha = DigestUtils.sha256Hex(bytes);
        String expected = trusted.get(key.relativePath());
        if (expected != null && !expected.equals(sha)) {
            throw new StoreException("retraining checkpoint " + key.relativePath() + " on a Spark executor gave SHA-256 " + sha.substring(0, 12)
                    + "…, not the " + expected.substring(0, 12) + "… the manifest records: the executor trained differently (another"
                    + " thread count, engine version or CPU kernel path?); the file was left as it was");
        }
        try {
            files.writeAtomically(FOLDER + key.relativePath(), bytes, sha);
        } catch (IOException e) {
            throw new IOException("cannot write checkpoint " + key.relativePath() + " under " + files.uri() + FOLDER + ": " + e.getMessage()
                    + " (the store's checkpoints/ folder must be writable by the user the Spark executors run as)", e);
        }
        written.put(key.relativePath(), sha);
    }

    @Override
    public InputStream open(CheckpointKey key) throws IOException {
        String path = key.relativePath();
        if (!files.isFile(FOLDER + path)) {
            throw new StoreException("checkpoint " + path + " is missing from " + files.uri() + FOLDER
                    + " as the Spark executor sees it: is the store on a file system every executor reaches at the same path?");
        }
        byte[] bytes = files.readAllBytes(FOLDER + path);
        String sha = DigestUtils.sha256Hex(bytes);
        String expected = trusted.get(path);
        if (expected != null && !expected.equals(sha)) {
            throw new StoreException("checkpoint " + path + " read by a Spark executor has SHA-256 " + sha.substring(0, 12) + "…, not the "
                    + expected.substring(0, 12) + "… the driver verified: the file changed or the executor sees another store");
        }
        written.putIfAbsent(path, sha);
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public void delete(CheckpointKey key) throws IOException {
        files.delete(FOLDER + key.relativePath());
        written.remove(key.relativePath());
    }

    @Override
    public Set<CheckpointKey> keys() throws IOException {
        Set<CheckpointKey> keys = new HashSet<>();
        org.apache.hadoop.fs.Path folder = files.path(FOLDER);
        if (!files.fileSystem().exists(folder)) {
            return keys;
        }
        String prefix = folder.toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = files.fileSystem().listFiles(folder, true);
        while (it.hasNext()) {
            String path = it.next().getPath().toUri().getPath();
            String relative = path.substring(prefix.endsWith("/") ? prefix.length() : prefix.length() + 1);
            CheckpointKey.parse(relative).ifPresent(keys::add);
        }
        return keys;
    }

    @Override
    public String sha256(CheckpointKey key) throws IOException {
        return files.sha256(FOLDER + key.relativePath());
    }
}
