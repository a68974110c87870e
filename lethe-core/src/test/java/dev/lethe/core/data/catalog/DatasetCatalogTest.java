package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetCatalogTest {

    @TempDir
    Path dir;

    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(DatasetCatalog.DIR_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(DatasetCatalog.DIR_PROPERTY);
        } else {
            System.setProperty(DatasetCatalog.DIR_PROPERTY, savedProperty);
        }
    }

    @Test
    void listsTheSixDataSetsWithDigitsFirst() {
        // Given the catalogue / When listing it
        // Then the six names come in order, and the canonical splits are where the data sets have them
        assertThat(DatasetCatalog.all()).extracting(DatasetEntry::name)
                .containsExactly("digits", "breast-cancer", "mnist", "cifar10", "location", "adult");
        assertThat(DatasetCatalog.all()).filteredOn(DatasetEntry::hasTestSplit).extracting(DatasetEntry::name)
                .containsExactly("mnist", "cifar10", "adult");
        assertThat(DatasetCatalog.get("adult").featureShape()).containsExactly(105);
        assertThat(DatasetCatalog.get("mnist").sourceUrls()).hasSize(4)
                .allMatch(url -> url.startsWith("https://ossci-datasets.s3.amazonaws.com/mnist/"));
        assertThat(DatasetCatalog.get("cifar10").downloads()).isEmpty();
        assertThat(DatasetCatalog.get("cifar10").sourceUrls()).containsExactly("https://www.cs.toronto.edu/~kriz/cifar.html");
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        // Given a typo / When looked up / Then the known names are listed
        assertThatThrownBy(() -> DatasetCatalog.get("minst"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown data set 'minst'; known: digits, breast-cancer, mnist, cifar10, location, adult");
    }

    @Test
    void digitsLoadFromTheClassPath() throws IOException {
        // Given no folder at all
        // When digits are loaded twice
        LoadedDataset first = DatasetCatalog.get("digits").load(null);
        LoadedDataset second = DatasetCatalog.get("digits").load(null);

        // Then they hold the 1,797 scaled records, 10 classes, ids by row, and the same fingerprint
        RecordSet digits = first.train();
        assertThat(first.hasTest()).isFalse();
        assertThat(digits.size()).isEqualTo(1_797);
        assertThat(digits.numClasses()).isEqualTo(10);
        assertThat(digits.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(digits.featureShape()).containsExactly(64);
        float max = 0;
        float min = 1;
        for (float v : digits.featuresView()) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(min).isZero();
        assertThat(digits.id(0)).isEqualTo("digits-0000");
        assertThat(digits.id(1_796)).isEqualTo("digits-1796");
        assertThat(digits.label(0)).isZero();
        assertThat(second.train().fingerprint()).isEqualTo(digits.fingerprint());
    }

    @Test
    void limitPerClassKeepsTheFirstRecordsOfEachClass() throws IOException {
        // Given digits / When loaded with 5 per class
        RecordSet limited = DatasetCatalog.get("digits").load(null, 5).train();

        // Then 50 records remain, 5 of each class, the first of class 0 being the first record
        assertThat(limited.size()).isEqualTo(50);
        assertThat(IntStream.range(0, 10).map(k -> (int) Arrays.stream(limited.labels()).filter(l -> l == k).count()))
                .containsOnly(5);
        assertThat(limited.id(0)).isEqualTo("digits-0000");
    }

    @Test
    void digitsLoadFromAGivenFolderThatHoldsACopy() throws IOException {
        // Given a folder laid out like the shared one with a 3-row digits file
        String row = String.join(",", java.util.Collections.nCopies(64, "16"));
        DataFiles.writeText(dir.resolve("sklearn/digits.csv"), row + ",3\n" + row + ",4\n" + row + ",3\n");

        // When digits are loaded from it
        RecordSet digits = DatasetCatalog.get("digits").load(dir).train();

        // Then the copy is used
        assertThat(digits.size()).isEqualTo(3);
        assertThat(digits.ids()).containsExactly("digits-0", "digits-1", "digits-2");
        assertThat(digits.labels()).containsExactly(3, 4, 3);
    }

    @Test
    void findsMnistInADataFolderOrInItsOwnFolder() throws IOException {
        // Given tiny MNIST files both under <a>/mnist/ and directly in <b>/
        Path shared = dir.resolve("a");
        Path own = dir.resolve("b");
        for (Path folder : new Path[]{shared.resolve("mnist"), own}) {
            writeTinyMnist(folder);
        }

        // When loaded from <a> and from <b>
        LoadedDataset fromShared = DatasetCatalog.get("mnist").load(shared);
        LoadedDataset fromOwn = DatasetCatalog.get("mnist").load(own);

        // Then both give the same canonical split with train/test ids
        assertThat(fromShared.train().ids()).containsExactly("train-0", "train-1", "train-2");
        assertThat(fromShared.test().ids()).containsExactly("test-0", "test-1");
        assertThat(fromShared.test().name()).isEqualTo("mnist/test");
        assertThat(fromOwn.train().fingerprint()).isEqualTo(fromShared.train().fingerprint());
        assertThat(DatasetCatalog.get("mnist").find(shared)).contains(shared.resolve("mnist"));
    }

    @Test
    void usesTheSystemPropertyWhenNoFolderIsGiven() throws IOException {
        // Given the property pointing at a data folder with tiny MNIST files
        writeTinyMnist(dir.resolve("mnist"));
        System.setProperty(DatasetCatalog.DIR_PROPERTY, dir.toString());

        // When loaded without a folder / Then the property's folder is used
        assertThat(DatasetCatalog.get("mnist").load(null).train().size()).isEqualTo(3);
    }

    @Test
    void aMissingDataSetSaysWhereItLookedAndHowToGetIt() {
        // Given an empty folder / When mnist is loaded from it
        // Then the message names both places, the files, and the download URL
        assertThatThrownBy(() -> DatasetCatalog.get("mnist").load(dir))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(dir.resolve("mnist").toString())
                .hasMessageContaining("nor in " + dir)
                .hasMessageContaining("train-images-idx3-ubyte.gz or train-images-idx3-ubyte")
                .hasMessageContaining("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz");
    }

    @Test
    void aMissingDataSetNamesTheSettingItCameFrom() {
        // Given the property pointing at an empty folder
        System.setProperty(DatasetCatalog.DIR_PROPERTY, dir.toString());

        // When cifar10 (which has no canonical download) is loaded
        // Then the message names the property and points to the original binary batches
        assertThatThrownBy(() -> DatasetCatalog.get("cifar10").load(null))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("from system property lethe.datasets.dir")
                .hasMessageContaining("cifar-10-binary.tar.gz");
    }

    private static void writeTinyMnist(Path folder) throws IOException {
        DataFiles.write(folder.resolve("train-images-idx3-ubyte.gz"),
                DataFiles.gzip(DataFiles.idxImages(3, 2, 2, DataFiles.rampPixels(3, 2, 2))));
        DataFiles.write(folder.resolve("train-labels-idx1-ubyte.gz"), DataFiles.gzip(DataFiles.idxLabels(5, 0, 9)));
        DataFiles.write(folder.resolve("t10k-images-idx3-ubyte"), DataFiles.idxImages(2, 2, 2, DataFiles.rampPixels(2, 2, 2)));
        DataFiles.write(folder.resolve("t10k-labels-idx1-ubyte"), DataFiles.idxLabels(1, 2));
    }
}
