package dev.lethe.core.data.catalog;

import java.util.Locale;
import java.util.Objects;

/**
 * One file of a data set at its canonical source, with a pinned checksum.
 *
 * <p>The checksum is the SHA-256 of the file's <em>content</em>: of the decompressed bytes when the
 * file is gzip (a {@code .gz}, or a {@code .tgz} whose tar is hashed), else of the bytes themselves.
 * Gzip headers carry a timestamp and a file name, so two byte-different {@code .gz} files of the same
 * data are common (mirrors re-compress); pinning the content accepts every faithful copy and nothing
 * else.
 *
 * @param url where to download it from
 * @param fileName the name to store it under
 * @param sha256 lower-case hex SHA-256 of the content
 */
public record RemoteFile(String url, String fileName, String sha256) {

    public RemoteFile {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("file name must be a plain name, got '" + fileName + "'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
    }
}
