package dev.lethe.core.sisa;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A store's data files on disk, as {@link TrainingDataFile}s under its root. */
public final class FileShardDataStore implements ShardDataStore {

    private final Store store;

    public FileShardDataStore(Store store) {
        this.store = store;
    }

    /** The store folder the data files' paths are relative to (absolute). */
    public Path root() {
        return store.root().toAbsolutePath();
    }

    @Override
    public TrainingDataFile.Content read(String file) throws IOException {
        return TrainingDataFile.read(store.root().resolve(file));
    }

    @Override
    public TrainingDataFile.Metadata metadata(String file) throws IOException {
        return TrainingDataFile.readMetadata(store.root().resolve(file));
    }

    @Override
    public String write(String file, RecordSet records, int[] slices) throws IOException {
        return TrainingDataFile.write(store.root().resolve(file), records, slices);
    }

    @Override
    public List<String> files() throws IOException {
        if (!Files.isDirectory(store.dataDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(store.dataDir())) {
            // '/' separators, as manifests name data files
            return files.map(p -> store.root().relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Override
    public void delete(String file) throws IOException {
        Files.deleteIfExists(store.root().resolve(file));
    }
}
