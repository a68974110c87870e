package dev.lethe.core.data.catalog;

import com.sun.net.httpserver.HttpServer;
import dev.lethe.core.data.DataFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloaderTest {

    private static final byte[] CONTENT = "label,x\n1,2\n".repeat(500).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private Path[] leftovers(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toArray(Path[]::new);
        }
    }

    @Test
    void aVerifiedDownloadIsMovedIntoPlaceOnce() throws Exception {
        // Given a server with the file and its pinned checksum
        served.put("/data/file.csv", CONTENT);
        RemoteFile file = new RemoteFile(url("/data/file.csv"), "file.csv", sha256(CONTENT));
        Path folder = dir.resolve("set");

        // When it is fetched twice
        Path target = new Downloader().fetch(file, folder);
        new Downloader().fetch(file, folder);

        // Then the file is in place with the right bytes, nothing else is left, and the second call did not download
        assertThat(target).isEqualTo(folder.resolve("file.csv"));
        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        assertThat(leftovers(folder)).containsExactly(target);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aGzipFileIsVerifiedByItsContent() throws Exception {
        // Given a gzipped file pinned by the SHA-256 of what it decompresses to
        served.put("/file.csv.gz", DataFiles.gzip(CONTENT));
        RemoteFile file = new RemoteFile(url("/file.csv.gz"), "file.csv.gz", sha256(CONTENT));

        // When fetched / Then it is accepted
        Path target = new Downloader().fetch(file, dir);
        assertThat(Files.size(target)).isLessThan(CONTENT.length);
    }

    @Test
    void aCorruptedDownloadIsDiscardedWithBothChecksums() throws Exception {
        // Given a server whose copy has one byte changed, and an older good copy already in place
        byte[] corrupted = CONTENT.clone();
        corrupted[100] ^= 1;
        served.put("/file.csv", corrupted);
        String pinned = sha256(CONTENT);
        Path existing = DataFiles.writeText(dir.resolve("file.csv"), "stale but present");
        RemoteFile file = new RemoteFile(url("/file.csv"), "file.csv", pinned);

        // When fetched
        // Then it fails naming both sums, leaves the old file untouched and no temporary file behind
        assertThatThrownBy(() -> new Downloader().fetch(file, dir))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(pinned)
                .hasMessageContaining(sha256(corrupted))
                .satisfies(e -> assertThat(((ChecksumMismatchException) e).actual()).isEqualTo(sha256(corrupted)));
        assertThat(Files.readString(existing)).isEqualTo("stale but present");
        assertThat(leftovers(dir)).containsExactly(existing);
    }

    @Test
    void anHttpErrorLeavesNothingBehind() throws Exception {
        // Given a URL the server does not have
        RemoteFile file = new RemoteFile(url("/missing.csv"), "missing.csv", sha256(CONTENT));

        // When fetched / Then the status is reported and the folder stays empty
        assertThatThrownBy(() -> new Downloader().fetch(file, dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 404");
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void refusesADataSetWithoutCanonicalDownload() {
        // Given cifar10, whose JPEG copy has no canonical source
        // When downloaded / Then the refusal explains where the original is
        assertThatThrownBy(() -> new Downloader().download(DatasetCatalog.get("cifar10"), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cifar-10-binary.tar.gz");
    }
}
