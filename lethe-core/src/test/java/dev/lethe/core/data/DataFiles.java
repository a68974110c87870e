package dev.lethe.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writes small data files for loader tests. */
public final class DataFiles {

    private DataFiles() {
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, data);
    }

    public static Path writeText(Path file, String text) throws IOException {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An IDX images file: magic 0x803, {count, rows, cols}, then the pixels. */
    public static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(0x803).putInt(count).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    /** An IDX labels file: magic 0x801, {count}, then the labels. */
    public static byte[] idxLabels(int... labels) {
        ByteBuffer buf = ByteBuffer.allocate(8 + labels.length).putInt(0x801).putInt(labels.length);
        Arrays.stream(labels).forEach(l -> buf.put((byte) l));
        return buf.array();
    }

    /** Pixels 0, 1, 2, ... (mod 256), enough for {@code count} images of rows x cols. */
    public static byte[] rampPixels(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        return pixels;
    }
}
