package dev.lethe.spark;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.ShardDataStore;
import dev.lethe.core.sisa.TrainingDataFile;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's data files as a Spark task sees them, through a Hadoop file system, at the paths a manifest names
 * ({@code data/shard-000-v1.bin}). The file format is {@link TrainingDataFile}'s, which reads local files: on
 * {@code file://} the file is read where it is, elsewhere it is first copied to a local temporary file.
 */
final class HadoopShardDataStore implements ShardDataStore {

    private final HadoopFiles files;

    HadoopShardDataStore(HadoopFiles files) {
        this.files = files;
    }

    @Override
    public TrainingDataFile.Content read(String file) throws IOException {
        return withLocalCopy(file, TrainingDataFile::read);
    }

    @Override
    public TrainingDataFile.Metadata metadata(String file) throws IOException {
        return withLocalCopy(file, TrainingDataFile::readMetadata);
    }

    @Override
    public String write(String file, RecordSet records, int[] slices) throws IOException {
        java.nio.file.Path tmp = Files.createTempFile("lethe-data-", ".bin");
        try {
            String sha = TrainingDataFile.write(tmp, records, slices);
            files.writeAtomically(file, Files.readAllBytes(tmp), sha);
            return sha;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public List<String> files() throws IOException {
        Path folder = files.path("data");
        List<String> out = new ArrayList<>();
        if (!files.fileSystem().exists(folder)) {
            return out;
        }
        for (FileStatus status : files.fileSystem().listStatus(folder)) {
            if (status.isFile()) {
                out.add("data/" + status.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public void delete(String file) throws IOException {
        files.delete(file);
    }

    private interface LocalRead<T> {
        T read(java.nio.file.Path file) throws IOException;
    }

    private <T> T withLocalCopy(String file, LocalRead<T> reader) throws IOException {
        if (!files.isFile(file)) {
            throw new IOException("data file " + file + " is missing from " + files.uri() + " as the Spark executor sees it:"
                    + " is the store on a file system every executor reaches at the same path?");
        }
        if (files.fileSystem() instanceof RawLocalFileSystem) {
            return reader.read(java.nio.file.Path.of(files.path(file).toUri()));
        }
        java.nio.file.Path tmp = Files.createTempFile("lethe-data-", ".bin");
        try {
            try (InputStream in = files.open(file)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return reader.read(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
