package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxLoaderTest {

    @TempDir
    Path dir;

    private Path images(String name, byte[] content) throws IOException {
        return DataFiles.write(dir.resolve(name), content);
    }

    @Test
    void loadsGzipAndPlainPairsAsScaledImages() throws IOException {
        // Given 11 images of 2x3 pixels with ramp values, gzipped, and their labels uncompressed
        byte[] pixels = DataFiles.rampPixels(11, 2, 3);
        pixels[5] = (byte) 255;
        Path imageFile = images("imgs.gz", DataFiles.gzip(DataFiles.idxImages(11, 2, 3, pixels)));
        Path labelFile = images("labels", DataFiles.idxLabels(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3));

        // When the pair is loaded
        RecordSet set = IdxLoader.load(imageFile, labelFile, "train", "toy/train");

        // Then pixels are divided by 255, shape is [1, rows, cols], and ids are zero-padded positions
        assertThat(set.size()).isEqualTo(11);
        assertThat(set.featureShape()).containsExactly(1, 2, 3);
        assertThat(set.featuresView()[0]).isZero();
        assertThat(set.featuresView()[1]).isEqualTo(1 / 255f);
        assertThat(set.featuresView()[5]).isEqualTo(1f);
        assertThat(set.id(0)).isEqualTo("train-00");
        assertThat(set.id(10)).isEqualTo("train-10");
        assertThat(set.label(10)).isEqualTo(3);
        assertThat(set.classNames()).isEqualTo(IdxLoader.DIGITS);
    }

    @Test
    void takesClassNamesForOtherLabelSets() throws IOException {
        // Given two 1x1 images labelled 0 and 1
        Path imageFile = images("i", DataFiles.idxImages(2, 1, 1, new byte[]{7, 9}));
        Path labelFile = images("l", DataFiles.idxLabels(1, 0));

        // When loaded with two class names
        RecordSet set = IdxLoader.load(imageFile, labelFile, "t", "pair", List.of("shirt", "shoe"));

        // Then the labels index those names
        assertThat(set.classNames()).containsExactly("shirt", "shoe");
        assertThat(set.labels()).containsExactly(1, 0);
    }

    @Test
    void rejectsABadMagicNumberAtOffsetZero() throws IOException {
        // Given a labels file where the images file should be
        Path wrong = images("swapped", DataFiles.idxLabels(1, 2));
        Path labels = images("labels", DataFiles.idxLabels(1, 2));

        // When loaded / Then the magic is named with offset 0
        assertThatThrownBy(() -> IdxLoader.load(wrong, labels, "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(wrong + ", offset 0: magic number 0x00000801 is not an IDX image file (expected 0x00000803)");
    }

    @Test
    void reportsTruncatedPixelDataWithOffsetAndSizes() throws IOException {
        // Given an images file that announces 3 images of 2x2 but holds 5 pixel bytes
        byte[] full = DataFiles.idxImages(3, 2, 2, DataFiles.rampPixels(3, 2, 2));
        Path cut = images("cut", Arrays.copyOf(full, 16 + 5));
        Path labels = images("labels", DataFiles.idxLabels(0, 1, 2));

        // When loaded / Then the message has the offset, the expected size and what is there
        assertThatThrownBy(() -> IdxLoader.load(cut, labels, "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(cut + ", offset 16: expected 12 bytes of pixel data, file ends after 5");
    }

    @Test
    void reportsAFileThatEndsInsideTheHeader() throws IOException {
        // Given an images file of 10 bytes
        Path cut = images("short", Arrays.copyOf(DataFiles.idxImages(1, 1, 1, new byte[1]), 10));

        // When loaded / Then the header is named
        assertThatThrownBy(() -> IdxLoader.load(cut, images("l", DataFiles.idxLabels(0)), "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(cut + ", offset 10: file ends inside the header of 16 bytes");
    }

    @Test
    void rejectsCountsThatDisagree() throws IOException {
        // Given 3 images and 2 labels
        Path imageFile = images("i", DataFiles.idxImages(3, 1, 1, new byte[3]));
        Path labelFile = images("l", DataFiles.idxLabels(0, 1));

        // When loaded / Then the labels file is named with both counts
        assertThatThrownBy(() -> IdxLoader.load(imageFile, labelFile, "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(labelFile + ", offset 4: holds 2 labels but " + imageFile + " holds 3 images");
    }

    @Test
    void rejectsALabelOutsideTheClasses() throws IOException {
        // Given a third label of 12
        Path imageFile = images("i", DataFiles.idxImages(3, 1, 1, new byte[3]));
        Path labelFile = images("l", DataFiles.idxLabels(0, 1, 12));

        // When loaded / Then its byte offset (8 + index) is named
        assertThatThrownBy(() -> IdxLoader.load(imageFile, labelFile, "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(labelFile + ", offset 10: label 12 is outside the 10 classes 0..9");
    }

    @Test
    void rejectsDataAfterTheLastRecord() throws IOException {
        // Given a labels file with one byte too many
        byte[] labels = DataFiles.idxLabels(0, 1);
        Path labelFile = images("l", ByteBuffer.allocate(labels.length + 1).put(labels).put((byte) 3).array());
        Path imageFile = images("i", DataFiles.idxImages(2, 1, 1, new byte[2]));

        // When loaded / Then the offset after the data is named
        assertThatThrownBy(() -> IdxLoader.load(imageFile, labelFile, "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(labelFile + ", offset 10: unexpected data after the last label");
    }

    @Test
    void reportsATruncatedGzipFile() throws IOException {
        // Given a gzipped images file cut short
        byte[] gz = DataFiles.gzip(DataFiles.idxImages(50, 10, 10, DataFiles.rampPixels(50, 10, 10)));
        Path cut = images("cut.gz", Arrays.copyOf(gz, gz.length - 20));

        // When loaded / Then the file and the gzip problem are named
        assertThatThrownBy(() -> IdxLoader.load(cut, images("l", DataFiles.idxLabels(new int[50])), "t", "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(cut + ", offset 16: the gzip data is corrupt or truncated");
    }
}
