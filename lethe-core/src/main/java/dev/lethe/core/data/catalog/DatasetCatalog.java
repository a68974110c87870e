package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.encoding.Standardisation;
import dev.lethe.core.data.load.AdultLoader;
import dev.lethe.core.data.load.CsvLoader;
import dev.lethe.core.data.load.CsvOptions;
import dev.lethe.core.data.load.IdxLoader;
import dev.lethe.core.data.load.ImageFolderLoader;
import dev.lethe.core.data.load.Inputs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The data sets Lethe knows by name: {@code digits} (embedded, the default), {@code breast-cancer},
 * {@code mnist}, {@code cifar10}, {@code location} and {@code adult}.
 *
 * <p>Only {@code digits} ships with Lethe. The others load from a local folder (see {@link DatasetEntry}
 * for where it is looked for); {@link Downloader} fetches their canonical files and checks the pinned
 * checksums, for users with internet access.
 */
public final class DatasetCatalog {

    /** System property naming the data folder. */
    public static final String DIR_PROPERTY = "lethe.datasets.dir";
    /** Environment variable naming the data folder, used when the property is not set. */
    public static final String DIR_ENV = "LETHE_DATASETS";

    private static final String DIGITS_RESOURCE = "/dev/lethe/core/data/digits.csv.gz";
    private static final String UCI_ADULT = "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/";
    private static final String MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String SKLEARN_DATA = "https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.2.1/sklearn/datasets/data/";

    private static final List<DatasetEntry> ENTRIES = List.of(digits(), breastCancer(), mnist(), cifar10(), location(), adult());

    private DatasetCatalog() {
    }

    /** Every entry, the default ({@code digits}) first. */
    public static List<DatasetEntry> all() {
        return ENTRIES;
    }

    /** The entry of that name; an unknown name is an {@link IllegalArgumentException} listing the known ones. */
    public static DatasetEntry get(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown data set '" + name + "'; known: "
                        + String.join(", ", ENTRIES.stream().map(DatasetEntry::name).toList())));
    }

    /** The data folder set by {@value #DIR_PROPERTY}, else by {@value #DIR_ENV}; blank values count as unset. */
    public static Optional<Path> configuredDataDir() {
        return configured().map(Path::of);
    }

    /** Which setting {@link #configuredDataDir()} came from, for messages. */
    static String configuredOrigin() {
        return isSet(System.getProperty(DIR_PROPERTY)) ? "from system property " + DIR_PROPERTY
                : "from environment variable " + DIR_ENV;
    }

    private static Optional<String> configured() {
        String property = System.getProperty(DIR_PROPERTY);
        return Optional.ofNullable(isSet(property) ? property : isSet(System.getenv(DIR_ENV)) ? System.getenv(DIR_ENV) : null);
    }

    /** Unset, blank, or an unresolved build placeholder such as {@code ${env.LETHE_DATASETS}} count as unset. */
    private static boolean isSet(String value) {
        return value != null && !value.isBlank() && !value.startsWith("${");
    }

    private static DatasetEntry digits() {
        return DatasetEntry.named("digits")
                .ids("digits-0000 … digits-1796: the record's 0-based position in scikit-learn's file")
                .description("8x8 handwritten digits, 1,797 x 64 features (pixel intensities 0..16, scaled to [0, 1]), 10 classes")
                .citation("Alpaydin and Kaynak, Optical Recognition of Handwritten Digits, UCI Machine Learning Repository"
                        + " (1998), CC BY 4.0; the copy bundled with scikit-learn")
                .folder("sklearn")
                .download(SKLEARN_DATA + "digits.csv.gz", "digits.csv.gz",
                        "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8")
                .sourceNote("Embedded in Lethe: no download needed.")
                .sizes(1_797, 0)
                .featureShape(64)
                .classNames(IdxLoader.DIGITS)
                .requires("digits.csv.gz", "digits.csv")
                .embedded()
                .reader((folder, limit) -> {
                    CsvOptions options = CsvOptions.defaults().withFeatureScale(1 / 16f).withClassNames(IdxLoader.DIGITS);
                    RecordSet set;
                    if (folder == null) {
                        try (InputStream in = DatasetCatalog.class.getResourceAsStream(DIGITS_RESOURCE)) {
                            if (in == null) {
                                throw new IllegalStateException("the embedded resource " + DIGITS_RESOURCE + " is missing from the class path");
                            }
                            set = CsvLoader.read(in, "classpath:" + DIGITS_RESOURCE, "digits", options);
                        }
                    } else {
                        set = CsvLoader.load(existing(folder, "digits.csv.gz", "digits.csv"), options).renamed("digits");
                    }
                    // raw rows are the 64 pixel counts 0..16 of scikit-learn's file
                    return new LoadedDataset(RecordSets.withIndexedIds(set, "digits"), null, InputEncoding.uniform("pixel", 64, 1 / 16f));
                })
                .build();
    }

    private static DatasetEntry breastCancer() {
        return DatasetEntry.named("breast-cancer")
                .ids("breast-cancer-000 … breast-cancer-568: the record's 0-based position in the file")
                .description("Wisconsin diagnostic breast cancer, 569 x 30 features (z-scored over the file), 2 classes")
                .citation("Wolberg, Street and Mangasarian, Breast Cancer Wisconsin (Diagnostic), UCI Machine Learning"
                        + " Repository (1995), CC BY 4.0; the copy bundled with scikit-learn")
                .folder("sklearn")
                .download(SKLEARN_DATA + "breast_cancer.csv", "breast_cancer.csv",
                        "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed")
                .sizes(569, 0)
                .featureShape(30)
                .classNames(List.of("malignant", "benign"))
                .requires("breast_cancer.csv", "breast_cancer.csv.gz")
                .reader((folder, limit) -> {
                    // scikit-learn's first line is "569,30,malignant,benign"; labels are 0 = malignant, 1 = benign.
                    CsvOptions options = CsvOptions.defaults().withSkipLines(1).withClassNames(List.of("malignant", "benign"));
                    RecordSet set = CsvLoader.load(existing(folder, "breast_cancer.csv", "breast_cancer.csv.gz"), options);
                    RecordSet named = RecordSets.withIndexedIds(set.renamed("breast-cancer"), "breast-cancer");
                    Standardisation z = Standardisation.fit(named);
                    return new LoadedDataset(z.apply(named), null, InputEncoding.uniform("feature", named.featureSize(), 1).standardised(z));
                })
                .build();
    }

    private static DatasetEntry mnist() {
        return DatasetEntry.named("mnist")
                .ids("train-00000 … train-59999 and test-0000 … test-9999: the image's 0-based position in its IDX file")
                .description("MNIST handwritten digits, 28x28 grey images scaled to [0, 1], 60,000 train + 10,000 test, 10 classes")
                .citation("LeCun, Cortes and Burges, The MNIST database of handwritten digits (1998)")
                .folder("mnist")
                .download(MNIST + "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz",
                        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
                .download(MNIST + "train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz",
                        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")
                .download(MNIST + "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")
                .download(MNIST + "t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")
                .sizes(60_000, 10_000)
                .featureShape(1, 28, 28)
                .classNames(IdxLoader.DIGITS)
                .requires("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte")
                .requires("train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte")
                .requires("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte")
                .requires("t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte")
                .reader((folder, limit) -> new LoadedDataset(
                        IdxLoader.load(existing(folder, "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"),
                                existing(folder, "train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte"), "train", "mnist/train"),
                        IdxLoader.load(existing(folder, "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"),
                                existing(folder, "t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"), "test", "mnist/test"),
                        InputEncoding.uniform("pixel", 28 * 28, 1 / 255f)))
                .build();
    }

    private static DatasetEntry cifar10() {
        return DatasetEntry.named("cifar10")
                .ids("train/<class>/<file name> and test/<class>/<file name>: the image's path in the archive or folder")
                .description("CIFAR-10 (JPEG), 32x32 colour images scaled to [0, 1], 50,000 train + 10,000 test, 10 classes")
                .citation("Krizhevsky, Learning Multiple Layers of Features from Tiny Images (2009); JPEG re-encoding,"
                        + " so pixel values differ slightly from the binary batches: report results as \"CIFAR-10 (JPEG)\"")
                .folder("cifar10")
                .source("https://www.cs.toronto.edu/~kriz/cifar.html")
                .sourceNote("No canonical source distributes CIFAR-10 as JPEG files. The original is the binary"
                        + " batches at https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz; write them out as"
                        + " train/<class>/NNNN.jpg and test/<class>/NNNN.jpg, in cifar10-jpeg.tar.gz or as folders.")
                .sizes(50_000, 10_000)
                .featureShape(3, 32, 32)
                .classNames(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"))
                .requires("cifar10-jpeg.tar.gz", "train")
                .reader((folder, limit) -> {
                    Path archive = folder.resolve("cifar10-jpeg.tar.gz");
                    ImageFolderLoader.Options train = ImageFolderLoader.Options.defaults().withIdPrefix("train/").withLimitPerClass(limit);
                    ImageFolderLoader.Options test = train.withIdPrefix("test/");
                    if (Files.exists(archive)) {
                        return new LoadedDataset(ImageFolderLoader.loadTar(archive, "train", "cifar10/train", train),
                                ImageFolderLoader.loadTar(archive, "test", "cifar10/test", test));
                    }
                    return new LoadedDataset(ImageFolderLoader.load(folder.resolve("train"), "cifar10/train", train),
                            ImageFolderLoader.load(folder.resolve("test"), "cifar10/test", test));
                })
                .build();
    }

    private static DatasetEntry location() {
        return DatasetEntry.named("location")
                .ids("location-0000 … location-5009: the row's 0-based position in the file")
                .description("Location (Foursquare check-ins, Bangkok), 5,010 x 446 binary features, 30 classes;"
                        + " the membership-inference benchmark of Shokri et al.")
                .citation("Shokri, Stronati, Song and Shmatikov, Membership Inference Attacks against Machine Learning"
                        + " Models, IEEE S&P 2017; data from privacytrustlab/datasets (Foursquare check-ins, Yang et al.)")
                .folder("location")
                .download("https://github.com/privacytrustlab/datasets/raw/master/dataset_location.tgz", "dataset_location.tgz",
                        "ce6374b7f4f355a7826ff40c3051e3e0d7b63f3f8ded3c281be252d08ae44485")
                .sizes(5_010, 0)
                .featureShape(446)
                .classNames(IntStream.rangeClosed(1, 30).mapToObj(String::valueOf).toList())
                .requires("dataset_location.tgz", "bangkok")
                .reader((folder, limit) -> {
                    // File "bangkok": no header, label first (quoted, 1..30, mapped to 0..29), then 446 features.
                    CsvOptions options = CsvOptions.defaults().withLabelColumn("1");
                    Path plain = folder.resolve("bangkok");
                    RecordSet set = Files.exists(plain) ? CsvLoader.load(plain, options).renamed("location")
                            : readTarEntry(folder.resolve("dataset_location.tgz"), "bangkok", "location", options);
                    return new LoadedDataset(RecordSets.withIndexedIds(set, "location"), null, InputEncoding.uniform("feature", 446, 1));
                })
                .build();
    }

    private static DatasetEntry adult() {
        return DatasetEntry.named("adult")
                .ids("train-1 … train-32561 and test-1 … test-16281: the 1-based data row of adult.data and adult.test")
                .description("UCI Adult census income, 32,561 train + 16,281 test, 14 attributes as 105 features"
                        + " (one-hot categories, standardised numbers), 2 classes")
                .citation("Becker and Kohavi, Adult, UCI Machine Learning Repository (1996), CC BY 4.0")
                .folder("adult")
                .download(UCI_ADULT + "adult.data", "adult.data",
                        "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d")
                .download(UCI_ADULT + "adult.test", "adult.test",
                        "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05")
                .download(UCI_ADULT + "adult.names", "adult.names",
                        "c248284c0b5de30c9e1958d6cdd168a34a654758b620e68f46aefa83fc0a576a")
                .sizes(32_561, 16_281)
                .featureShape(AdultLoader.featureNames().size())
                .classNames(AdultLoader.CLASSES)
                .requires("adult.data.gz", "adult.data")
                .requires("adult.test.gz", "adult.test")
                .reader((folder, limit) -> {
                    AdultLoader.Encoded adult = AdultLoader.loadEncoded(existing(folder, "adult.data.gz", "adult.data"),
                            existing(folder, "adult.test.gz", "adult.test"));
                    return new LoadedDataset(adult.train(), adult.test(), adult.encoding());
                })
                .build();
    }

    /** The first of the names that exists in the folder (the entry checked that one does). */
    private static Path existing(Path folder, String... names) {
        return Arrays.stream(names).map(folder::resolve).filter(Files::exists).findFirst()
                .orElseThrow(() -> new DatasetNotFoundException(folder + " holds none of " + Arrays.toString(names)));
    }

    /** Reads the CSV entry whose file name is {@code entryName} from a tar or tar.gz archive as set {@code name}. */
    private static RecordSet readTarEntry(Path archive, String entryName, String name, CsvOptions options) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Inputs.open(archive))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile() && Path.of(entry.getName()).getFileName().toString().equals(entryName)) {
                    return CsvLoader.read(tar, archive + "!" + entry.getName(), name, options);
                }
            }
        }
        throw new DataFormatException(archive, "", "the archive holds no file named '" + entryName + "'");
    }
}
