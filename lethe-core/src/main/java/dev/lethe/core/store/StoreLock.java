package dev.lethe.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
        Path file = store.root().resolve(FILE_NAME);
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
