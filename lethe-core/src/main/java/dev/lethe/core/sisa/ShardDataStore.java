package dev.lethe.core.sisa;

import dev.lethe.core.data.RecordSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a SISA store's data files live ({@code data/}: one per shard, one for the held-out records), by their
 * path relative to the store, as a manifest names them. Shard work reaches records only through it, so an
 * executor that runs elsewhere can be handed one that copies files to where it trains.
 */
public interface ShardDataStore {

    /** The whole file: records and, for a shard's file, each record's slice. */
    TrainingDataFile.Content read(String file) throws IOException;

    /** The file's ids, subjects, labels and slices, without its features. */
    TrainingDataFile.Metadata metadata(String file) throws IOException;

    /** The metadata of each of {@code files} (e.g. a manifest's shard files), in their order. */
    default List<TrainingDataFile.Metadata> metadata(List<String> files) throws IOException {
        List<TrainingDataFile.Metadata> out = new ArrayList<>(files.size());
        for (String file : files) {
            out.add(metadata(file));
        }
        return out;
    }

    /** Writes {@code records} (with their {@code slices}, or null for held-out data) atomically; returns the file's SHA-256. */
    String write(String file, RecordSet records, int[] slices) throws IOException;

    /** Every file under {@code data/}, relative to the store. */
    List<String> files() throws IOException;

    /** Removes a file (no-op when absent). */
    void delete(String file) throws IOException;
}
