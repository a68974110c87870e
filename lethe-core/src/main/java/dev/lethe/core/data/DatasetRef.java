package dev.lethe.core.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.data.catalog.DataSources;
import dev.lethe.core.data.catalog.LoadedDataset;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.encoding.Standardisation;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;

/**
 * Everything needed to load the same training and test records again: which data set, from where,
 * with which CSV columns, pseudo-subjects and split. Stores keep it in their manifest so that
 * {@code eval} and later {@code forget} see exactly the records that {@code train} saw, and the
 * fingerprint proves it.
 *
 * @param name a data source's name ({@link DataSources}): a catalogue name ({@code digits}, {@code mnist}, ...) or {@code csv} for a user's file
 * @param path the data folder or file; {@code null} for the embedded digits or the default data folder
 * @param labelColumn CSV label column (a header name or a column number counted from 1); {@code null} = last column
 * @param idColumn CSV record-id column (name or number from 1); {@code null} = row numbers
 * @param subjectColumn CSV subject column; {@code null} = none
 * @param header whether the CSV has a header line; {@code null} = no
 * @param subjects number of pseudo-subjects to assign (0 = keep the data's own, if any)
 * @param testFraction share of records held out when the data set has no canonical test split
 * @param trainLimit use only the first N training records (0 = all), for quick runs on large sets
 * @param perClass keep only the first N records of each class on each side (0 = all); image sets then
 *                 decode only those, which keeps a CIFAR-10 subset fast and small
 * @param seed seed of the split and the pseudo-subject assignment
 * @param subset which part of a source to load, in the source's own words (for {@code tofu}: the forget split and
 *               the number of retain authors, {@code forget01+18}); {@code null} = the source's default, and then
 *               absent from the JSON, so a manifest written before it existed reads and writes back unchanged
 * @param scaling how a table's numeric features are scaled before training: {@value #STANDARD} z-scores each with the
 *                training side's mean and standard deviation ({@link Standardisation}), fitted once when the data is first
 *                loaded and the same at every later load (the source file does not change, and tombstoned records are left
 *                out after it); {@code null} = as the source gives them, and then absent from the JSON, as in every
 *                manifest written before it existed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetRef(String name, String path, String labelColumn, String idColumn, String subjectColumn,
                         Boolean header, int subjects, double testFraction, int trainLimit, int perClass,
                         long seed, String subset, String scaling) {

    /** The {@code scaling} that z-scores every feature with the training side's statistics. */
    public static final String STANDARD = "standard";

    public DatasetRef {
        if (scaling != null && !scaling.equals(STANDARD)) {
            throw new IllegalArgumentException("unknown feature scaling '" + scaling + "': use " + STANDARD + ", or none");
        }
        if (subset != null && subset.isBlank()) {
            throw new IllegalArgumentException("a data subset must not be blank; leave it out for the source's default");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a data set name is required (see 'lethe datasets list')");
        }
        if (subjects < 0) {
            throw new IllegalArgumentException("--subjects must be >= 0, got " + subjects);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        if (trainLimit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + trainLimit);
        }
        if (perClass < 0) {
            throw new IllegalArgumentException("--per-class must be >= 0, got " + perClass);
        }
    }

    /** The same data at another place: a file or folder that moved since the reference was recorded. */
    public DatasetRef withPath(String newPath) {
        return new DatasetRef(name, newPath, labelColumn, idColumn, subjectColumn, header, subjects, testFraction, trainLimit, perClass,
                seed, subset, scaling);
    }

    /** A reference with the source's features as they are (no {@code scaling}). */
    public DatasetRef(String name, String path, String labelColumn, String idColumn, String subjectColumn,
                      Boolean header, int subjects, double testFraction, int trainLimit, int perClass, long seed, String subset) {
        this(name, path, labelColumn, idColumn, subjectColumn, header, subjects, testFraction, trainLimit, perClass, seed, subset, null);
    }

    /** A reference to the whole of a source (its default subset). */
    public DatasetRef(String name, String path, String labelColumn, String idColumn, String subjectColumn,
                      Boolean header, int subjects, double testFraction, int trainLimit, int perClass, long seed) {
        this(name, path, labelColumn, idColumn, subjectColumn, header, subjects, testFraction, trainLimit, perClass, seed, null, null);
    }

    /** The embedded digits with a seeded 80/20 split. */
    public static DatasetRef digits(long seed) {
        return new DatasetRef("digits", null, null, null, null, null, 0, 0.2, 0, 0, seed);
    }

    /** Loads, assigns pseudo-subjects, splits and fingerprints the data this reference names. */
    public Loaded load() throws IOException {
        LoadedDataset loaded = loadRaw();
        RecordSet train;
        RecordSet test;
        if (loaded.test() != null) {
            train = loaded.train();
            test = loaded.test();
        } else {
            RecordSet.Split split = loaded.train().split(seed, testFraction);
            train = split.train();
            test = split.test();
        }
        if (subjects > 0) {
            train = PseudoSubjects.assign(train, subjects, seed);
            test = PseudoSubjects.assign(test, subjects, seed);
        }
        if (trainLimit > 0 && trainLimit < train.size()) {
            int[] first = java.util.stream.IntStream.range(0, trainLimit).toArray();
            train = train.select(train.name(), first);
        }
        InputEncoding encoding = loaded.encoding();
        if (STANDARD.equals(scaling)) {
            if (encoding == null) {
                throw new IllegalArgumentException("--scale " + STANDARD + " applies to a table of numbers (csv, parquet); '" + name
                        + "' has no column encoding to standardise");
            }
            Standardisation fit = Standardisation.fit(train);
            encoding = encoding.standardised(fit);
            train = fit.apply(train);
            test = fit.apply(test);
        }
        return new Loaded(this, train, test, combinedFingerprint(train, test), encoding);
    }

    private LoadedDataset loadRaw() throws IOException {
        return DataSources.get(name).read(this);
    }

    private static String combinedFingerprint(RecordSet train, RecordSet test) {
        return DigestUtils.sha256Hex("train:" + train.fingerprint() + "\ntest:" + test.fingerprint());
    }

    /**
     * Loaded data: the training and test sides and their joint fingerprint.
     *
     * @param ref what was loaded
     * @param train the records to train on
     * @param test the held-out records
     * @param fingerprint SHA-256 over both sides' fingerprints
     * @param encoding how a raw record becomes features ({@link LoadedDataset#encoding()}); null when there is none
     */
    public record Loaded(DatasetRef ref, RecordSet train, RecordSet test, String fingerprint, InputEncoding encoding) {

        /** Loaded data without an input encoding. */
        public Loaded(DatasetRef ref, RecordSet train, RecordSet test, String fingerprint) {
            this(ref, train, test, fingerprint, null);
        }
    }
}
