package dev.lethe.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps {@code manifest.json} small however many requests a store has served: every manifest write moves the model
 * versions that are neither the first nor among the {@value #RECENT} newest into {@code history/versions.jsonl}, an
 * append-only file of one JSON line per version, oldest first. A store opens by parsing the manifest alone; the
 * audit (which requests each version applied) and tools that show the whole lineage read the history too
 * ({@link Store#history()}).
 *
 * <p>History lines keep what a version did, not the digests of ids it matched ({@code matched}, a receipt's
 * {@code matchedDigest}): those stay in the request receipts, and an append-only file could not be re-keyed when the
 * store key rotates. Crash safety: lines are appended and fsynced before the manifest that drops those versions is
 * written; versions already in the history are not appended twice, and a torn last line (a kill mid-append) is cut
 * off before the next append.
 */
final class ManifestHistory {

    /** The history file, relative to the store. */
    static final String FILE = "history/versions.jsonl";

    /** How many of the newest versions the manifest keeps, besides the first. */
    static final int RECENT = 16;

    private static final ObjectMapper JSON = Store.json();
    private static final ObjectWriter LINE = JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private ManifestHistory() {
    }

    /** {@code manifest} with the versions the history takes out, after appending them to it durably. */
    static StoreManifest compact(Path root, StoreManifest manifest) throws IOException {
        List<StoreManifest.ModelVersion> models = manifest.models();
        if (models.size() <= RECENT + 1) {
            return manifest;
        }
        List<StoreManifest.ModelVersion> moved = models.subList(1, models.size() - RECENT);
        append(root.resolve(FILE), moved);
        List<StoreManifest.ModelVersion> kept = new ArrayList<>();
        kept.add(models.get(0));
        kept.addAll(models.subList(models.size() - RECENT, models.size()));
        return manifest.withModels(kept);
    }

    /** Every version the history holds, oldest first (empty when there is no history). */
    static List<StoreManifest.ModelVersion> read(Path root) throws IOException {
        Path file = root.resolve(FILE);
        List<StoreManifest.ModelVersion> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(line, StoreManifest.ModelVersion.class));
                } catch (IOException e) {
                    if (in.ready()) {
                        throw new StoreException(file + " line " + lineNo + " is not a model version: the history is damaged", e);
                    }
                    // a torn last line: a process was killed while appending; the next write cuts it off
                }
            }
        }
        return out;
    }

    private static void append(Path file, List<StoreManifest.ModelVersion> versions) throws IOException {
        Files.createDirectories(file.getParent());
        int last = cutTornLineAndReadLastVersion(file);
        StringBuilder text = new StringBuilder();
        for (StoreManifest.ModelVersion v : versions) {
            if (v.version() > last) {
                text.append(LINE.writeValueAsString(v.withoutIdDigests())).append('\n');
            }
        }
        if (text.isEmpty()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
    }

    /** The version number of the history's last complete line (0 when none), after cutting off a torn last line. */
    private static int cutTornLineAndReadLastVersion(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long length = raf.length();
            int tail = (int) Math.min(length, 1 << 16);
            byte[] buf = new byte[tail];
            raf.seek(length - tail);
            raf.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < text.length() - 1) {
                raf.setLength(length - tail + (end + 1)); // a torn last line
                raf.getFD().sync();
            }
            if (end < 0) {
                return 0;
            }
            int start = text.lastIndexOf('\n', end - 1) + 1;
            return JSON.readTree(text.substring(start, end)).path("version").asInt(0);
        }
    }
}
