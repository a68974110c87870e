package dev.lethe.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a store ({@code store/.lock}) held by the one process that changes it: two
 * {@code lethe forget} runs (or a CLI and a server) never retrain and switch the same store at once;
 * the second waits, then finds nothing pending. The operating system releases the lock when the
 * holder dies, so a killed process never leaves the store locked.
 */
public final class StoreLock implements AutoCloseable {

    /** The lock file in a store's root. */
    public static final String FILE_NAME = ".lock";

    /** File locks belong to the process, so threads of one process queue on a lock per store first. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(ReentrantLock threadLock, FileChannel channel, FileLock lock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for and takes the store's lock. */
    public static StoreLock acquire(Store store) throws IOException {
        return acquire(store.root());
    }

    /**
     * The lock of the store at {@code root}, taken, when there is a store there (a manifest, or a
     * replacement under way); null when there is none yet. {@code train} holds it while it replaces a
     * store, so that no {@code forget} adds a tombstone between reading the old store's and deleting it.
     */
    public static StoreLock ifStore(Path root) throws IOException {
        if (!Files.isRegularFile(root.resolve("manifest.json")) && !Files.isRegularFile(root.resolve(Store.REPLACING_FILE))) {
            return null;
        }
        return acquire(root.toAbsolutePath().normalize());
    }

    private static StoreLock acquire(Path root) throws IOException {
        Path file = root.resolve(FILE_NAME);
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new StoreLock(threadLock, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
