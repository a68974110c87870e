package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One named data set of the {@link DatasetCatalog}: what it is, where it comes from, what it holds,
 * and how to load it from a local folder.
 *
 * <p>Where the files are looked for: the folder passed to {@link #load}, else the folder named by the
 * system property {@value DatasetCatalog#DIR_PROPERTY}, else the environment variable
 * {@value DatasetCatalog#DIR_ENV}. That folder is either laid out like the shared data folder (the
 * files in {@code <dir>/<folder()>/}, e.g. {@code <dir>/mnist/train-images-idx3-ubyte.gz}) or is the
 * data set's own folder ({@code <dir>/train-images-idx3-ubyte.gz}); both are accepted. An embedded data
 * set ({@code digits}) loads from the class path unless a folder is passed that holds a copy.
 */
public final class DatasetEntry implements DataSource {

    /** Reads the data set from the folder that holds its files, or from the embedded copy when null. */
    @FunctionalInterface
    interface Reader {
        LoadedDataset read(Path folder, int limitPerClass) throws IOException;
    }

    private final String name;
    private final String description;
    private final String citation;
    private final String folder;
    private final List<RemoteFile> downloads;
    private final List<String> otherSources;
    private final String sourceNote;
    private final int trainSize;
    private final int testSize;
    private final int[] featureShape;
    private final List<String> classNames;
    private final List<List<String>> requiredFiles;
    private final boolean embedded;
    private final String idFormat;
    private final Reader reader;

    private DatasetEntry(Builder b) {
        this.name = Objects.requireNonNull(b.name);
        this.description = Objects.requireNonNull(b.description);
        this.citation = Objects.requireNonNull(b.citation);
        this.folder = Objects.requireNonNull(b.folder);
        this.downloads = List.copyOf(b.downloads);
        this.otherSources = List.copyOf(b.otherSources);
        this.sourceNote = b.sourceNote;
        this.trainSize = b.trainSize;
        this.testSize = b.testSize;
        this.featureShape = b.featureShape.clone();
        this.classNames = List.copyOf(b.classNames);
        this.requiredFiles = List.copyOf(b.requiredFiles);
        this.embedded = b.embedded;
        this.reader = Objects.requireNonNull(b.reader);
        this.idFormat = b.idFormat;
    }

    static Builder named(String name) {
        return new Builder(name);
    }

    /** The catalogue name ("mnist"). */
    @Override
    public String name() {
        return name;
    }

    /** One line: what the data set is. */
    @Override
    public String description() {
        return description;
    }

    @Override
    public String idFormat() {
        return idFormat;
    }

    /** Who made it, how to cite it, and its licence. */
    public String citation() {
        return citation;
    }

    /** The sub-folder of a data folder that holds its files ("mnist", "sklearn"). */
    public String folder() {
        return folder;
    }

    /** The canonical files with pinned checksums; empty when there is no canonical download. */
    public List<RemoteFile> downloads() {
        return downloads;
    }

    /** The canonical source URLs: those of {@link #downloads()}, then pages for sets without a direct download. */
    public List<String> sourceUrls() {
        return Stream.concat(downloads.stream().map(RemoteFile::url), otherSources.stream()).toList();
    }

    /** How to get the data when there is more to say than the download URLs; empty when nothing. */
    public String sourceNote() {
        return sourceNote == null ? "" : sourceNote;
    }

    /** Records in the training file (the whole data set when there is no canonical split). */
    public int trainSize() {
        return trainSize;
    }

    /** Records in the canonical test file; 0 when there is none. */
    public int testSize() {
        return testSize;
    }

    /** Whether the data set comes with a canonical train/test split. */
    public boolean hasTestSplit() {
        return testSize > 0;
    }

    /** The shape of one record's features. */
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** The class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** Whether the data set ships inside Lethe and needs no folder. */
    public boolean isEmbedded() {
        return embedded;
    }

    /** Loads from {@code ref}'s folder (or the configured one) with its per-class limit; see {@link #load(Path, int)}. */
    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        return load(ref.path() == null ? null : Path.of(ref.path()), ref.perClass());
    }

    /** Loads every record; see {@link #load(Path, int)}. */
    public LoadedDataset load(Path dataDir) throws IOException {
        return load(dataDir, 0);
    }

    /**
     * Loads the data set.
     *
     * @param dataDir a data folder or the data set's own folder; {@code null} to use the configured one
     * @param limitPerClass keep only the first N records of each class (file order) on each side, for quick
     *                      runs; 0 keeps all. Image sets decode only the records they keep.
     * @throws DatasetNotFoundException when the files are not there, saying where it looked and how to get them
     * @throws dev.lethe.core.data.DataFormatException when a file is malformed
     */
    public LoadedDataset load(Path dataDir, int limitPerClass) throws IOException {
        if (limitPerClass < 0) {
            throw new IllegalArgumentException("limitPerClass must be >= 0 (0 = all), got " + limitPerClass);
        }
        Optional<Path> found = find(dataDir);
        if (found.isEmpty() && !embedded) {
            throw notFound(dataDir);
        }
        LoadedDataset loaded = reader.read(found.orElse(null), limitPerClass);
        if (limitPerClass == 0) {
            return loaded;
        }
        return new LoadedDataset(loaded.train().firstPerClass(limitPerClass),
                loaded.hasTest() ? loaded.test().firstPerClass(limitPerClass) : null, loaded.encoding());
    }

    /**
     * The folder that holds this data set's files, if any: {@code <dir>/<folder()>} or {@code <dir>},
     * {@code dir} being the given folder or, when null, the configured one (not for embedded sets).
     */
    public Optional<Path> find(Path dataDir) {
        Optional<Path> root = dataDir != null ? Optional.of(dataDir)
                : embedded ? Optional.empty() : DatasetCatalog.configuredDataDir();
        return root.flatMap(dir -> candidates(dir).stream().filter(this::holdsFiles).findFirst());
    }

    private List<Path> candidates(Path dir) {
        return List.of(dir.resolve(folder), dir);
    }

    private boolean holdsFiles(Path dir) {
        return requiredFiles.stream().allMatch(names -> names.stream().anyMatch(n -> Files.exists(dir.resolve(n))));
    }

    private DatasetNotFoundException notFound(Path dataDir) {
        Optional<Path> root = dataDir != null ? Optional.of(dataDir) : DatasetCatalog.configuredDataDir();
        if (root.isEmpty()) {
            return new DatasetNotFoundException(name + ": no data folder was given, and neither the system property "
                    + DatasetCatalog.DIR_PROPERTY + " nor the environment variable " + DatasetCatalog.DIR_ENV
                    + " is set. " + howToGet());
        }
        String expected = requiredFiles.stream().map(names -> String.join(" or ", names)).collect(Collectors.joining(", "));
        String origin = dataDir != null ? "" : " (" + DatasetCatalog.configuredOrigin() + ")";
        return new DatasetNotFoundException(name + ": its files (" + expected + ") are not in " + root.get().resolve(folder)
                + " nor in " + root.get() + origin + ". " + howToGet());
    }

    /** How a user gets the files: the sources and where to put them. */
    public String howToGet() {
        List<String> parts = new ArrayList<>();
        if (!downloads.isEmpty()) {
            parts.add("Download " + String.join(", ", downloads.stream().map(RemoteFile::url).toList()) + " ('lethe datasets download " + name + " --to DIR' fetches them and checks"
                    + " the pinned SHA-256).");
        }
        if (sourceNote != null) {
            parts.add(sourceNote);
        }
        parts.add("Put the files in <dir>/" + folder + "/ and pass <dir>, or set " + DatasetCatalog.DIR_PROPERTY
                + " or " + DatasetCatalog.DIR_ENV + " to it.");
        return String.join(" ", parts);
    }

    @Override
    public String toString() {
        return name + ": " + description;
    }

    /** Builds an entry; every field except the note and the downloads must be set. */
    static final class Builder {
        private final String name;
        private String description;
        private String citation;
        private String folder;
        private final List<RemoteFile> downloads = new ArrayList<>();
        private final List<String> otherSources = new ArrayList<>();
        private String sourceNote;
        private int trainSize;
        private int testSize;
        private int[] featureShape;
        private List<String> classNames;
        private final List<List<String>> requiredFiles = new ArrayList<>();
        private boolean embedded;
        private Reader reader;

        private String idFormat = "";
        private Builder(String name) {
            this.name = name;
        }

        Builder ids(String value) {
            idFormat = value;
            return this;
        }

        Builder description(String value) {
            description = value;
            return this;
        }

        Builder citation(String value) {
            citation = value;
            return this;
        }

        Builder folder(String value) {
            folder = value;
            return this;
        }

        Builder download(String url, String fileName, String sha256) {
            downloads.add(new RemoteFile(url, fileName, sha256));
            return this;
        }

        /** A source page that is not a direct download of the files Lethe reads. */
        Builder source(String url) {
            otherSources.add(url);
            return this;
        }

        Builder sourceNote(String value) {
            sourceNote = value;
            return this;
        }

        Builder sizes(int train, int test) {
            trainSize = train;
            testSize = test;
            return this;
        }

        Builder featureShape(int... value) {
            featureShape = value;
            return this;
        }

        Builder classNames(List<String> value) {
            classNames = value;
            return this;
        }

        /** One file the folder must hold, under any of these names (file or folder). */
        Builder requires(String... alternatives) {
            requiredFiles.add(List.of(alternatives));
            return this;
        }

        Builder embedded() {
            embedded = true;
            return this;
        }

        Builder reader(Reader value) {
            reader = value;
            return this;
        }

        DatasetEntry build() {
            return new DatasetEntry(this);
        }
    }
}
