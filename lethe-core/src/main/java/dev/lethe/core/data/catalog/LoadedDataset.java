package dev.lethe.core.data.catalog;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;

/**
 * A catalogue data set as loaded.
 *
 * @param train the training records (the whole data set when it has no canonical split)
 * @param test the canonical test records, or {@code null} when the data set has no canonical split
 *             (split {@code train} with {@link RecordSet#split} then)
 * @param encoding how a raw record of the data set becomes its features, as fitted on this data; null when raw records
 *                 cannot be encoded outside the loader (images read from files, token data)
 */
public record LoadedDataset(RecordSet train, RecordSet test, InputEncoding encoding) {

    /** Data without an input encoding. */
    public LoadedDataset(RecordSet train, RecordSet test) {
        this(train, test, null);
    }

    /** Whether the data set came with a canonical test split. */
    public boolean hasTest() {
        return test != null;
    }
}
