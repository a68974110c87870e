package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImageFolderLoaderTest {

    @TempDir
    Path dir;

    private Path root;

    /** A 4x3 RGB image, black except pixel (x=1, y=0), which is pure red, and pixel (3, 2) = rgb(0, 51, 102). */
    private static byte[] png(int marker) throws IOException {
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 0, 0xff0000);
        image.setRGB(3, 2, 0x003366);
        image.setRGB(0, 1, marker);
        return encode(image, "png");
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    @BeforeEach
    void writeFolder() throws IOException {
        // root/cat/{b.png, a.png}, root/dog/c.png, plus files to skip: a text file and a hidden image
        root = dir.resolve("images");
        DataFiles.write(root.resolve("cat/b.png"), png(0x000002));
        DataFiles.write(root.resolve("cat/a.png"), png(0x000001));
        DataFiles.write(root.resolve("dog/c.png"), png(0x000003));
        DataFiles.writeText(root.resolve("dog/notes.txt"), "not an image");
        DataFiles.write(root.resolve("dog/.hidden.png"), new byte[]{1, 2, 3});
    }

    @Test
    void loadsSortedClassesAndFilesChannelFirst() throws IOException {
        // Given the folder / When loaded with a prefix
        RecordSet set = ImageFolderLoader.load(root, "pets", ImageFolderLoader.Options.defaults().withIdPrefix("train/"));

        // Then classes and files are sorted, ids are prefixed relative paths, and pixels are CHW in [0, 1]
        assertThat(set.classNames()).containsExactly("cat", "dog");
        assertThat(set.ids()).containsExactly("train/cat/a.png", "train/cat/b.png", "train/dog/c.png");
        assertThat(set.labels()).containsExactly(0, 0, 1);
        assertThat(set.featureShape()).containsExactly(3, 3, 4);
        float[] f = set.featuresView();
        int plane = 12;
        assertThat(f[1]).isEqualTo(1f);                    // R of (1, 0)
        assertThat(f[plane + 1]).isZero();                   // G of (1, 0)
        assertThat(f[plane + 2 * 4 + 3]).isEqualTo(51 / 255f); // G of (3, 2)
        assertThat(f[2 * plane + 2 * 4 + 3]).isEqualTo(102 / 255f); // B of (3, 2)
        assertThat(f[2 * plane + 4]).isEqualTo(1 / 255f);    // B of (0, 1): the marker of a.png
        assertThat(f[3 * plane + 2 * plane + 4]).isEqualTo(2 / 255f); // same pixel of b.png
    }

    @Test
    void grayscaleUsesLumaForColourAndStoredValuesForGrey() throws IOException {
        // Given a folder with one grey PNG of value 200 at (0, 0)
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 200);
        Path greyRoot = dir.resolve("grey");
        DataFiles.write(greyRoot.resolve("only/g.png"), encode(grey, "png"));

        // When both folders are loaded as grayscale
        ImageFolderLoader.Options options = ImageFolderLoader.Options.defaults().withGrayscale(true);
        RecordSet colour = ImageFolderLoader.load(root, "c", options);
        RecordSet stored = ImageFolderLoader.load(greyRoot, "g", options);

        // Then the shape has one channel, red becomes 0.299, and grey keeps its stored value
        assertThat(colour.featureShape()).containsExactly(1, 3, 4);
        assertThat(colour.featuresView()[1]).isCloseTo(0.299f, within(1e-6f));
        assertThat(stored.featuresView()[0]).isEqualTo(200 / 255f);
    }

    @Test
    void aGreyImageFillsAllThreeChannels() throws IOException {
        // Given a grey PNG of value 60 at (1, 1)
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 1, 0, 60);
        Path greyRoot = dir.resolve("grey3");
        DataFiles.write(greyRoot.resolve("k/g.png"), encode(grey, "png"));

        // When loaded as RGB
        RecordSet set = ImageFolderLoader.load(greyRoot, "g", ImageFolderLoader.Options.defaults());

        // Then the value appears in every channel
        assertThat(set.featureShape()).containsExactly(3, 2, 2);
        assertThat(new float[]{set.featuresView()[3], set.featuresView()[7], set.featuresView()[11]})
                .containsOnly(60 / 255f);
    }

    @Test
    void readsJpeg() throws IOException {
        // Given a mid-grey 8x8 JPEG
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        Path jpegRoot = dir.resolve("jpeg");
        DataFiles.write(jpegRoot.resolve("grey/x.JPG"), encode(image, "jpg"));

        // When loaded
        RecordSet set = ImageFolderLoader.load(jpegRoot, "j", ImageFolderLoader.Options.defaults());

        // Then it decodes to about 128/255 everywhere (JPEG is lossy)
        assertThat(set.featureShape()).containsExactly(3, 8, 8);
        for (float v : set.featuresView()) {
            assertThat(v).isCloseTo(128 / 255f, within(3 / 255f));
        }
    }

    @Test
    void limitPerClassKeepsTheFirstFilesInSortedOrder() throws IOException {
        // Given the folder / When loaded with one image per class
        RecordSet set = ImageFolderLoader.load(root, "pets", ImageFolderLoader.Options.defaults().withLimitPerClass(1));

        // Then a.png (not b.png) represents cat
        assertThat(set.ids()).containsExactly("cat/a.png", "dog/c.png");
    }

    @Test
    void theImagesSourceReadsAFolderOrItsTrainAndTestFolders() throws IOException {
        // one folder: split by --test-fraction; ids are the paths below it
        var loaded = new dev.lethe.core.data.DatasetRef("images", root.toString(), null, null, null, null, 0, 0.34, 0, 0, 1).load();
        assertThat(loaded.train().size() + loaded.test().size()).isEqualTo(3);
        assertThat(loaded.train().classNames()).containsExactly("cat", "dog");
        assertThat(loaded.train().featureShape()).containsExactly(3, 3, 4);

        // train/ and test/ folders: the two sides as they are
        Path split = dir.resolve("split");
        DataFiles.write(split.resolve("train/cat/a.png"), png(1));
        DataFiles.write(split.resolve("train/dog/b.png"), png(2));
        DataFiles.write(split.resolve("test/cat/c.png"), png(3));
        DataFiles.write(split.resolve("test/dog/d.png"), png(4));
        var sides = new dev.lethe.core.data.DatasetRef("images", split.toString(), null, null, null, null, 0, 0.2, 0, 0, 1).load();
        assertThat(sides.train().ids()).containsExactly("train/cat/a.png", "train/dog/b.png");
        assertThat(sides.test().ids()).containsExactly("test/cat/c.png", "test/dog/d.png");
    }

    @Test
    void rejectsAnImageOfAnotherSizeNamingIt() throws IOException {
        // Given a 5x3 image among 4x3 ones
        Path odd = DataFiles.write(root.resolve("dog/d.png"), encode(new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB), "png"));

        // When loaded / Then the odd file is named with both sizes
        assertThatThrownBy(() -> ImageFolderLoader.load(root, "pets", ImageFolderLoader.Options.defaults()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(odd + ": image is 5x3 but ")
                .hasMessageContaining("a.png is 4x3");
    }

    @Test
    void rejectsAnUnreadableImageNamingIt() throws IOException {
        // Given a .png that holds text
        Path broken = DataFiles.writeText(root.resolve("cat/c.png"), "this is not a PNG");

        // When loaded / Then the file is named
        assertThatThrownBy(() -> ImageFolderLoader.load(root, "pets", ImageFolderLoader.Options.defaults()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(broken.toString());
    }

    @Test
    void rejectsAFolderWithoutImages() throws IOException {
        // Given a root with an empty class folder
        Path empty = Files.createDirectories(dir.resolve("empty/nothing"));

        // When loaded / Then it says no images were found
        assertThatThrownBy(() -> ImageFolderLoader.load(empty.getParent(), "e", ImageFolderLoader.Options.defaults()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("holds no images");
    }

    @Test
    void readsTheSameLayoutFromATarGzAndATar() throws IOException {
        // Given the folder packed under train/ in a .tar.gz and in a plain .tar, next to a test/ folder
        Path tgz = tar(dir.resolve("pets.tar.gz"), true);
        Path plainTar = tar(dir.resolve("pets.tar"), false);
        ImageFolderLoader.Options options = ImageFolderLoader.Options.defaults().withIdPrefix("train/");
        RecordSet fromFolder = ImageFolderLoader.load(root, "pets", options);

        // When the train/ folder is read from both archives, once with a limit
        RecordSet fromTgz = ImageFolderLoader.loadTar(tgz, "train", "pets", options);
        RecordSet fromTar = ImageFolderLoader.loadTar(plainTar, "train/", "pets", options);
        RecordSet limited = ImageFolderLoader.loadTar(tgz, "train", "pets", options.withLimitPerClass(1));

        // Then all give what the folder gives, and the limit keeps the first file per class
        assertThat(fromTgz.fingerprint()).isEqualTo(fromFolder.fingerprint());
        assertThat(fromTar.fingerprint()).isEqualTo(fromFolder.fingerprint());
        assertThat(limited.ids()).containsExactly("train/cat/a.png", "train/dog/c.png");
    }

    @Test
    void namesTheArchiveEntryOfABrokenImage() throws IOException {
        // Given an archive with a broken image
        DataFiles.writeText(root.resolve("dog/e.png"), "garbage");
        Path tgz = tar(dir.resolve("broken.tgz"), true);

        // When read / Then the archive and the entry are named
        assertThatThrownBy(() -> ImageFolderLoader.loadTar(tgz, "train", "b", ImageFolderLoader.Options.defaults()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(tgz + "!train/dog/e.png");
    }

    /** Packs every file under root as train/<relative path>, in reverse order, plus a test/ entry. */
    private Path tar(Path archive, boolean gzip) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted((a, b) -> b.compareTo(a)).toList();
        }
        try (OutputStream file = Files.newOutputStream(archive);
             OutputStream out = gzip ? new GzipCompressorOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.putArchiveEntry(new TarArchiveEntry("train/"));
            tar.closeArchiveEntry();
            for (Path f : files) {
                TarArchiveEntry entry = new TarArchiveEntry("train/" + root.relativize(f).toString().replace('\\', '/'));
                entry.setSize(Files.size(f));
                tar.putArchiveEntry(entry);
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
            byte[] other = png(0x0000ff);
            TarArchiveEntry test = new TarArchiveEntry("test/cat/z.png");
            test.setSize(other.length);
            tar.putArchiveEntry(test);
            tar.write(other);
            tar.closeArchiveEntry();
        }
        return archive;
    }
}
