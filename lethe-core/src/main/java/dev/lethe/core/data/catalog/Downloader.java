package dev.lethe.core.data.catalog;

import dev.lethe.core.data.load.Inputs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.ZipException;

/**
 * Fetches a catalogue data set's canonical files, for users with internet access.
 *
 * <p>Each file is downloaded to a temporary file next to its target, its content checksum (see
 * {@link RemoteFile}) is compared with the pinned one, and only then is it moved into place in one
 * atomic rename: a target file is either absent or complete and verified, never half-written. A
 * mismatch deletes the download and throws {@link ChecksumMismatchException} with both checksums. A
 * file already in place with the right checksum is not downloaded again.
 */
public final class Downloader {

    private final HttpClient client;

    /** A downloader that follows redirects (GitHub's raw URLs redirect) and gives up connecting after 30 s. */
    public Downloader() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build());
    }

    public Downloader(HttpClient client) {
        this.client = client;
    }

    /**
     * Downloads every canonical file of the data set into {@code <dataDir>/<entry.folder()>/}, the layout
     * that {@link DatasetEntry#load} reads.
     *
     * @return the folder the files are in
     * @throws IllegalArgumentException when the data set has no canonical download (the message says why)
     */
    public Path download(DatasetEntry entry, Path dataDir) throws IOException {
        if (entry.downloads().isEmpty()) {
            throw new IllegalArgumentException(entry.name() + " has no canonical download. " + entry.sourceNote());
        }
        Path folder = dataDir.resolve(entry.folder());
        for (RemoteFile file : entry.downloads()) {
            fetch(file, folder);
        }
        return folder;
    }

    /** Downloads one file into {@code folder} unless a copy with the pinned checksum is already there. */
    public Path fetch(RemoteFile file, Path folder) throws IOException {
        Path target = folder.resolve(file.fileName());
        if (Files.isRegularFile(target) && contentSha256(target).equals(file.sha256())) {
            return target;
        }
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, "." + file.fileName() + ".", ".part");
        try {
            HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(file.url())).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new IOException("GET " + file.url() + ": HTTP " + response.statusCode());
            }
            String actual = contentSha256(partial);
            if (!actual.equals(file.sha256())) {
                throw new ChecksumMismatchException(file.url(), file.sha256(), actual);
            }
            return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + file.url());
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Hex SHA-256 of the content (decompressed when gzip), or a description of why it is unreadable. */
    private static String contentSha256(Path file) throws IOException {
        MessageDigest digest = org.apache.commons.codec.digest.DigestUtils.getSha256Digest();
        try (InputStream in = new DigestInputStream(Inputs.open(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException | EOFException e) {
            return "unreadable (corrupt or truncated gzip: " + e.getMessage() + ")";
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
