package dev.lethe.core.data.catalog;

import dev.lethe.core.data.RecordSet;

/**
 * A catalogue data set as loaded.
 *
 * @param train the training records (the whole data set when it has no canonical split)
 * @param test the canonical test records, or {@code null} when the data set has no canonical split
 *             (split {@code train} with {@link RecordSet#split} then)
 */
public record LoadedDataset(RecordSet train, RecordSet test) {

    /** Whether the data set came with a canonical test split. */
    public boolean hasTest() {
        return test != null;
    }
}
