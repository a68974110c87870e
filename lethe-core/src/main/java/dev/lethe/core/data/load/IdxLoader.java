package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.ZipException;

/**
 * Loads image/label pairs in the IDX format of MNIST (LeCun et al.): an images file with magic
 * {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, columns) and a labels file with magic
 * {@code 0x00000801} (unsigned bytes, 1 dimension), all integers big-endian. Either file may be gzip.
 *
 * <p>Pixels become floats in [0, 1] (divided by 255), feature shape {@code [1, rows, cols]}. Record
 * ids are {@code idPrefix-NNNNN}, the zero-padded 0-based position in the file ("train-00042").
 *
 * <p>A wrong magic number, a file that ends early or goes on after the data, counts that disagree
 * between the two files, or a label outside the classes is a {@link DataFormatException} naming the
 * file and the byte offset (in the decompressed data).
 */
public final class IdxLoader {

    /** The ten MNIST digit classes, "0" to "9". */
    public static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(String::valueOf).toList();

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxLoader() {
    }

    /** Loads a digit data set (classes "0".."9"). */
    public static RecordSet load(Path images, Path labels, String idPrefix, String name) throws IOException {
        return load(images, labels, idPrefix, name, DIGITS);
    }

    /** Loads an IDX pair whose label {@code k} means {@code classNames.get(k)} (e.g. Fashion-MNIST). */
    public static RecordSet load(Path images, Path labels, String idPrefix, String name, List<String> classNames)
            throws IOException {
        Block pixels = read(images, IMAGES_MAGIC, "image");
        Block classes = read(labels, LABELS_MAGIC, "label");
        int count = pixels.dims()[0];
        if (classes.dims()[0] != count) {
            throw new DataFormatException(labels, "offset 4", "holds " + classes.dims()[0] + " labels but "
                    + images + " holds " + count + " images");
        }
        int[] labelValues = new int[count];
        for (int i = 0; i < count; i++) {
            labelValues[i] = classes.data()[i] & 0xff;
            if (labelValues[i] >= classNames.size()) {
                throw new DataFormatException(labels, "offset " + (classes.headerSize() + i), "label " + labelValues[i]
                        + " is outside the " + classNames.size() + " classes 0.." + (classNames.size() - 1));
            }
        }
        byte[] raw = pixels.data();
        float[] features = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            features[i] = (raw[i] & 0xff) / 255f;
        }
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = RecordIds.indexed(idPrefix, i, count);
        }
        return new RecordSet(name, ids, null, features, labelValues,
                new int[]{1, pixels.dims()[1], pixels.dims()[2]}, classNames);
    }

    /** The dimensions and the unsigned-byte payload of one IDX file. */
    private record Block(int[] dims, byte[] data) {
        int headerSize() {
            return 4 + 4 * dims.length;
        }
    }

    private static Block read(Path file, int magic, String what) throws IOException {
        int ndims = magic & 0xff;
        long offset = 0;
        try (InputStream in = Inputs.open(file)) {
            byte[] header = in.readNBytes(4 + 4 * ndims);
            ByteBuffer buf = ByteBuffer.wrap(header);
            if (header.length < 4) {
                throw new DataFormatException(file, "offset 0", "file ends after " + header.length
                        + " bytes, before the 4-byte magic number");
            }
            int found = buf.getInt();
            if (found != magic) {
                throw new DataFormatException(file, "offset 0", String.format(
                        "magic number 0x%08x is not an IDX %s file (expected 0x%08x)", found, what, magic));
            }
            if (header.length < 4 + 4 * ndims) {
                throw new DataFormatException(file, "offset " + header.length, "file ends inside the header of "
                        + (4 + 4 * ndims) + " bytes");
            }
            int[] dims = new int[ndims];
            long size = 1;
            for (int d = 0; d < ndims; d++) {
                dims[d] = buf.getInt();
                if (dims[d] < 0) {
                    throw new DataFormatException(file, "offset " + (4 + 4 * d), "negative dimension " + dims[d]);
                }
                size *= dims[d];
            }
            offset = header.length;
            if (size > Integer.MAX_VALUE - 16) {
                throw new DataFormatException(file, "offset 4", "dimensions " + Arrays.toString(dims)
                        + " describe more than 2 GB of data");
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length < size) {
                throw new DataFormatException(file, "offset " + offset, "expected " + size + " bytes of "
                        + (magic == IMAGES_MAGIC ? "pixel" : "label") + " data, file ends after " + data.length);
            }
            offset += size;
            if (in.read() != -1) {
                throw new DataFormatException(file, "offset " + offset, "unexpected data after the last " + what);
            }
            return new Block(dims, data);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file.toString(), "offset " + offset, "the gzip data is corrupt or truncated ("
                    + e.getMessage() + ")", e);
        }
    }
}
