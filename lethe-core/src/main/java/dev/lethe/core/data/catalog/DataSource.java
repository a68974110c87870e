package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;

import java.io.IOException;

/**
 * Where records come from, by name: a catalogue data set ({@link DatasetEntry}: {@code digits},
 * {@code mnist}, ...) or a format for a user's own files ({@link CsvSource}: {@code csv}). The value of
 * {@code --dataset} is a source's name; {@link DataSources} finds it, and a new source plugs in with
 * {@link DataSources#register} (see docs/ARCHITECTURE.md, "adding a data source").
 */
public interface DataSource {

    /** The name {@code --dataset} takes ({@code mnist}, {@code csv}). */
    String name();

    /** One line: what the source gives. */
    String description();

    /**
     * How its record ids look and what they mean ("{@code digits-0042}: the record's 0-based position in the file"), which
     * is what {@code forget --record} and {@code unlearn --record} take; empty when the source does not say.
     */
    default String idFormat() {
        return "";
    }

    /**
     * Reads the records {@code ref} names: its {@link DatasetRef#path()} (a folder or file; null for the
     * configured data folder or an embedded copy), CSV columns where they apply, and
     * {@link DatasetRef#perClass()}. Splitting, pseudo-subjects and the training limit are applied by
     * {@link DatasetRef#load()} afterwards, the same way for every source.
     */
    LoadedDataset read(DatasetRef ref) throws IOException;
}
