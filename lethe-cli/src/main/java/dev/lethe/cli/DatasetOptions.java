package dev.lethe.cli;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.CsvSource;
import dev.lethe.core.data.catalog.ParquetSource;
import dev.lethe.core.data.tofu.TofuSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which data to use and how to read it (docs/ARCHITECTURE.md#cli-conventions shared flags). */
public final class DatasetOptions {

    /** {@code --scale none}: the file's values as they are. */
    static final String NONE = "none";

    @Option(names = "--dataset", defaultValue = "digits",
            description = "A catalogue name (see 'lethe datasets list') or csv for your own file. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "PATH",
            description = "Where the data set's files are (a folder, or the CSV file for --dataset csv). "
                    + "Default: $LETHE_DATASETS/<name>; digits is embedded.")
    String data;

    @Option(names = "--label-column", description = "CSV: label column, a header name or a column number counted from 1 (default: the last column); Parquet: a column name (default: label).")
    String labelColumn;

    @Option(names = "--id-column", description = "CSV: record-id column (name or number from 1; default: row numbers row-1, row-2, ...); Parquet: a column name (default: id if the file has it, else row numbers).")
    String idColumn;

    @Option(names = "--subject-column", description = "CSV: subject (person) id column (name or number from 1; default: none); Parquet: a column name (default: subject if the file has it).")
    String subjectColumn;

    @Option(names = "--header", description = "CSV: the first line is a header.")
    boolean header;

    @Option(names = "--subjects", defaultValue = "0",
            description = "Give records N deterministic pseudo-subjects (for data sets without person ids). Default: none.")
    int subjects;

    @Option(names = "--test-fraction", defaultValue = "0.2",
            description = "Held-out share when the data set has no canonical test split. Default: ${DEFAULT-VALUE}.")
    double testFraction;

    @Option(names = "--subset", paramLabel = "PART",
            description = "A part of the data set, in its own words: for tofu the forget split and the number of retain authors,"
                    + " e.g. forget01+18 (the default). Default: the whole data set.")
    String subset;

    @Option(names = "--scale", paramLabel = "HOW",
            description = "csv, parquet: standard (each feature z-scored with the training side's mean and deviation, fitted once and kept"
                    + " in the store, so predict encodes raw rows the same way) or none (the file's values as they are). Default: standard"
                    + " for a single model of Lethe's own; none for a SISA store (a from-scratch training on the data without a forgotten"
                    + " record would fit other statistics, so the exact guarantee holds only without them), a TorchScript model and"
                    + " 'lethe import' (a model of yours reads the values your own pipeline gives it).")
    String scale;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N training records only (0 = all).")
    int limit;

    @Option(names = "--per-class", defaultValue = "0",
            description = "Keep only the first N records of each class on each side (0 = all); for quick runs on image sets.")
    int perClass;

    /**
     * The reference a store records. A {@code --data} path is made absolute, so the store's later commands ({@code eval},
     * {@code attack}, {@code unlearn}) find the data from any working folder; its fingerprint still guards against other data.
     */
    DatasetRef toRef(long seed, boolean standardByDefault) {
        if (subset != null && !dataset.equals(TofuSource.NAME)) {
            throw new IllegalArgumentException("--subset applies to --dataset " + TofuSource.NAME + " only, not to '" + dataset + "'");
        }
        String where = data == null ? null : Path.of(data).toAbsolutePath().normalize().toString();
        return new DatasetRef(dataset, where, labelColumn, idColumn, subjectColumn, header ? Boolean.TRUE : null,
                subjects, testFraction, limit, perClass, seed, subset, scaling(standardByDefault));
    }

    /**
     * The reference for a model of Lethe's own, trained here on the data: a table of numbers is standardised unless
     * {@code --scale none} says otherwise.
     */
    DatasetRef toRef(long seed) {
        return toRef(seed, true);
    }

    /** {@code --scale} resolved: {@link DatasetRef#STANDARD} or null (none); refused for data that is not a table. */
    private String scaling(boolean standardByDefault) {
        boolean table = dataset.equals(CsvSource.NAME) || dataset.equals(ParquetSource.NAME);
        if (scale == null) {
            return standardByDefault && table ? DatasetRef.STANDARD : null;
        }
        if (!scale.equals(DatasetRef.STANDARD) && !scale.equals(NONE)) {
            throw new IllegalArgumentException("--scale must be " + DatasetRef.STANDARD + " or " + NONE + ", got '" + scale + "'");
        }
        if (!table) {
            throw new IllegalArgumentException("--scale applies to --dataset " + CsvSource.NAME + " or " + ParquetSource.NAME
                    + "; '" + dataset + "' comes with its own encoding (see 'lethe datasets list')");
        }
        return scale.equals(DatasetRef.STANDARD) ? DatasetRef.STANDARD : null;
    }
}
