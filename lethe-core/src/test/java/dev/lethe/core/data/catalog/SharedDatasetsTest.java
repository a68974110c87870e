package dev.lethe.core.data.catalog;

import com.sun.net.httpserver.HttpServer;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The catalogue on the real data sets. They are not part of the project: these tests run when the
 * system property {@code lethe.datasets.dir} or the environment variable {@code LETHE_DATASETS} names a
 * folder laid out like the shared data folder (mnist/, cifar10/, adult/, location/, sklearn/), and are
 * skipped otherwise.
 */
class SharedDatasetsTest {

    private static Path sharedDir() {
        Path dir = DatasetCatalog.configuredDataDir().orElse(null);
        assumeTrue(dir != null && Files.isDirectory(dir), "no data folder: set LETHE_DATASETS or -D"
                + DatasetCatalog.DIR_PROPERTY + " to a folder laid out like ../shared/datasets to run this test");
        return dir;
    }

    private static LoadedDataset load(String name, int limitPerClass) throws IOException {
        Path dir = sharedDir();
        DatasetEntry entry = DatasetCatalog.get(name);
        assumeTrue(entry.find(dir).isPresent(), name + " is not in " + dir + " (set LETHE_DATASETS to a full copy)");
        return entry.load(dir, limitPerClass);
    }

    private static int[] classCounts(RecordSet set) {
        int[] counts = new int[set.numClasses()];
        Arrays.stream(set.labels()).forEach(l -> counts[l]++);
        return counts;
    }

    private static float[] minMax(RecordSet set) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : set.featuresView()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new float[]{min, max};
    }

    @Test
    void mnistHasItsCanonicalSplitAndClassCounts() throws IOException {
        // Given the shared MNIST copy / When loaded
        LoadedDataset mnist = load("mnist", 0);

        // Then 60,000 + 10,000 images of [1, 28, 28] in [0, 1] with MNIST's known class counts
        assertThat(mnist.train().size()).isEqualTo(60_000);
        assertThat(mnist.test().size()).isEqualTo(10_000);
        assertThat(mnist.train().featureShape()).containsExactly(1, 28, 28);
        assertThat(minMax(mnist.test())).containsExactly(0f, 1f);
        assertThat(classCounts(mnist.train())).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(classCounts(mnist.test())).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        assertThat(mnist.train().id(42)).isEqualTo("train-00042");
        assertThat(mnist.test().id(42)).isEqualTo("test-0042");
    }

    @Test
    void cifar10LoadsAPerClassSubsetFromTheArchive() throws IOException {
        // Given the shared CIFAR-10 JPEG archive / When 20 images per class are loaded
        LoadedDataset cifar = load("cifar10", 20);

        // Then each side has 200 colour 32x32 images, ids are archive paths, and pixels look like photos
        assertThat(cifar.train().size()).isEqualTo(200);
        assertThat(cifar.test().size()).isEqualTo(200);
        assertThat(cifar.train().featureShape()).containsExactly(3, 32, 32);
        assertThat(cifar.train().classNames()).isEqualTo(DatasetCatalog.get("cifar10").classNames());
        assertThat(classCounts(cifar.test())).containsOnly(20);
        assertThat(cifar.train().id(0)).isEqualTo("train/airplane/0000.jpg");
        assertThat(cifar.test().id(199)).isEqualTo("test/truck/0019.jpg");
        double mean = IntStream.range(0, cifar.train().featuresView().length)
                .mapToDouble(i -> cifar.train().featuresView()[i]).average().orElseThrow();
        assertThat(mean).isBetween(0.3, 0.65);
    }

    @Test
    void adultEncodesTrainAndTestToTheSameWidth() throws IOException {
        // Given the shared Adult files / When loaded
        LoadedDataset adult = load("adult", 0);

        // Then 32,561 + 16,281 rows of 105 features with the known share of >50K
        assertThat(adult.train().size()).isEqualTo(32_561);
        assertThat(adult.test().size()).isEqualTo(16_281);
        assertThat(adult.train().featureShape()).containsExactly(105).isEqualTo(adult.test().featureShape());
        assertThat(classCounts(adult.train())).containsExactly(24_720, 7_841);
        assertThat(classCounts(adult.test())).containsExactly(12_435, 3_846);
    }

    @Test
    void locationIsBinaryWithThirtyClasses() throws IOException {
        // Given the shared Location archive / When loaded
        LoadedDataset location = load("location", 0);

        // Then 5,010 records of 446 binary features in 30 classes named 1..30
        RecordSet set = location.train();
        assertThat(location.hasTest()).isFalse();
        assertThat(set.size()).isEqualTo(5_010);
        assertThat(set.featureShape()).containsExactly(446);
        assertThat(set.classNames()).isEqualTo(DatasetCatalog.get("location").classNames());
        for (float v : set.featuresView()) {
            assertThat(v == 0f || v == 1f).isTrue();
        }
        assertThat(set.id(0)).isEqualTo("location-0000");
        assertThat(set.label(0)).isEqualTo(12);
    }

    @Test
    void breastCancerIsStandardised() throws IOException {
        // Given the shared breast-cancer CSV / When loaded
        RecordSet set = load("breast-cancer", 0).train();

        // Then 569 x 30 with 212 malignant and 357 benign, and every feature has mean 0 and std 1
        assertThat(set.size()).isEqualTo(569);
        assertThat(set.featureShape()).containsExactly(30);
        assertThat(set.classNames()).containsExactly("malignant", "benign");
        assertThat(classCounts(set)).containsExactly(212, 357);
        for (int f = 0; f < 30; f++) {
            int feature = f;
            double[] column = IntStream.range(0, 569).mapToDouble(i -> set.featuresView()[i * 30 + feature]).toArray();
            double mean = Arrays.stream(column).average().orElseThrow();
            double var = Arrays.stream(column).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
            assertThat(mean).isCloseTo(0, within(1e-5));
            assertThat(var).isCloseTo(1, within(1e-4));
        }
    }

    @Test
    void thePinnedChecksumsMatchTheSharedCopies(@TempDir Path target) throws IOException {
        // Given every catalogue file the shared folder has a copy of (plain or gzipped), served over HTTP
        Path dir = sharedDir();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = Files.readAllBytes(dir.resolve(exchange.getRequestURI().getPath().substring(1)));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            int checked = 0;
            for (DatasetEntry entry : DatasetCatalog.all()) {
                for (RemoteFile pinned : entry.downloads()) {
                    for (String name : List.of(pinned.fileName(), pinned.fileName() + ".gz")) {
                        if (Files.isRegularFile(dir.resolve(entry.folder()).resolve(name))) {
                            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + entry.folder() + "/" + name;

                            // When it is fetched against the pinned checksum
                            // Then it verifies (a mismatch would throw)
                            new Downloader().fetch(new RemoteFile(url, name, pinned.sha256()), target.resolve(entry.name()));
                            checked++;
                        }
                    }
                }
            }
            assertThat(checked).isGreaterThanOrEqualTo(10);
        } finally {
            server.stop(0);
        }
    }
}
