package dev.lethe.core.sisa;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checkpoints as files under one folder ({@code store/checkpoints/}), at
 * {@link CheckpointKey#relativePath()}, each written atomically. Files that do not parse as a key
 * (temporary files of a crashed write) are not keys; {@link #keys()} ignores them and
 * {@link #strayFiles()} lists them for the audit.
 */
public final class FileCheckpointStore implements CheckpointStore {

    private final Path root;

    public FileCheckpointStore(Path root) {
        this.root = root;
    }

    /** The checkpoint files of {@code store}, unverified (for listing, deleting and the audit). */
    public static FileCheckpointStore of(Store store) {
        return new FileCheckpointStore(store.checkpointsDir());
    }

    public Path root() {
        return root;
    }

    /** The file a key lives in. */
    public Path file(CheckpointKey key) {
        return root.resolve(key.relativePath());
    }

    @Override
    public boolean contains(CheckpointKey key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public void put(CheckpointKey key, AtomicFiles.Writer content) throws IOException {
        AtomicFiles.write(file(key), content);
    }

    @Override
    public InputStream open(CheckpointKey key) throws IOException {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            throw new StoreException("checkpoint " + key.relativePath() + " is missing from " + root
                    + "; the store is damaged (run 'lethe audit')");
        }
        return new BufferedInputStream(Files.newInputStream(f), 1 << 16);
    }

    @Override
    public void delete(CheckpointKey key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public Set<CheckpointKey> keys() throws IOException {
        Set<CheckpointKey> keys = new HashSet<>();
        for (Path p : files()) {
            CheckpointKey.parse(root.relativize(p).toString()).ifPresent(keys::add);
        }
        return keys;
    }

    /** Files under the folder that are not checkpoints (e.g. temporary files left by a crash). */
    public Set<Path> strayFiles() throws IOException {
        Set<Path> stray = new HashSet<>();
        for (Path p : files()) {
            if (CheckpointKey.parse(root.relativize(p).toString()).isEmpty()) {
                stray.add(p);
            }
        }
        return stray;
    }

    @Override
    public String sha256(CheckpointKey key) throws IOException {
        return Store.sha256(file(key));
    }

    private Set<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return new HashSet<>(walk.filter(Files::isRegularFile).toList());
        }
    }
}
