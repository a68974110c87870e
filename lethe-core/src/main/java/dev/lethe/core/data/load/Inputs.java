package dev.lethe.core.data.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens data files for the loaders. Compression is recognised by content, not by name: a stream that
 * starts with the gzip magic bytes {@code 1f 8b} is decompressed, whatever the file is called, so a
 * renamed {@code .gz} file (or a plain file called {@code .gz}) still loads.
 */
public final class Inputs {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private Inputs() {
    }

    /** Opens a file, decompressing it if it is gzip. The caller closes the stream. */
    public static InputStream open(Path file) throws IOException {
        return decompressed(Files.newInputStream(file));
    }

    /** Wraps a stream so that gzip content is decompressed and anything else passes through. */
    public static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2 ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    }

    /** The file name without directory and without the extensions .gz, .csv, .tsv, .txt, .data. */
    static String baseName(Path file) {
        String name = file.getFileName().toString();
        for (String ext : new String[]{".gz", ".csv", ".tsv", ".txt", ".data"}) {
            if (name.endsWith(ext) && name.length() > ext.length()) {
                name = name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }
}
