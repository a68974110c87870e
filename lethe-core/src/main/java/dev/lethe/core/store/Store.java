package dev.lethe.core.store;

import org.apache.commons.io.FileUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * A store directory (docs/ARCHITECTURE.md#the-store-and-its-invariants): one trained system that {@code train}, {@code eval},
 * {@code predict} and later {@code forget}, {@code serve} and {@code audit} all work on.
 *
 * <pre>
 * store/
 *   manifest.json     schema version, resolved config, dataset fingerprint, current model version
 *   models/           the current model-vN.lethe-model (a single model); earlier versions only when kept explicitly
 *   data/             SISA: the ingested records with their placement (train-vN.bin, test-vN.bin)
 *   checkpoints/      SISA: content-addressed checkpoints, shard-SSS/slice-RRR-DIGEST.ckpt
 *   ledger.db         SISA: forget requests, receipts and the hash-chained audit trail (SQLite)
 *   secret.key        the key of the digests of forgotten ids (0600; see dev.lethe.core.keys.StoreKeys)
 *   history/          versions.jsonl: model versions moved out of the manifest (append-only)
 *   reports/          JSON reports of each run
 *   replacing.json    only while 'lethe train --replace' replaces the store: the tombstones it carries over
 * </pre>
 *
 * The manifest is replaced atomically, after the model file it points to is durable, so a crash
 * leaves either the old current version or the new one.
 */
public final class Store {

    /** Version of the manifest format this code writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path root;
    private final Path dataOverride;

    private Store(Path root) {
        this(root, null);
    }

    private Store(Path root, Path dataOverride) {
        this.root = root.toAbsolutePath().normalize();
        this.dataOverride = dataOverride == null ? null : dataOverride.toAbsolutePath().normalize();
    }

    /**
     * This store, loading its source data from {@code data} instead of the path its manifest recorded (the data moved,
     * or the store was copied to another machine); {@link StoreData#load} still refuses data whose fingerprint is not
     * the manifest's. Null keeps the recorded path.
     */
    public Store withData(Path data) {
        return new Store(root, data);
    }

    /** Where {@link #withData} says the source data is now, or null for the manifest's path. */
    public Path dataOverride() {
        return dataOverride;
    }

    /** Opens an existing store, refusing a folder that is not one. */
    public static Store open(Path root) {
        Store store = new Store(root);
        if (!Files.isRegularFile(store.manifestFile()) && Files.isRegularFile(store.replacingFile())) {
            throw new StoreException("the replacement of store " + root + " was interrupted; finish it by running the same"
                    + " 'lethe train --store " + root + " --replace' again (the forgotten records stay out)");
        }
        if (!Files.isRegularFile(store.manifestFile())) {
            throw new StoreException(root + " is not a Lethe store (no manifest.json); create one with 'lethe train --store " + root + "'");
        }
        return store;
    }

    /**
     * Copies this store's files into {@code target} (absent or empty), leaving out the lock file and the running
     * servers' leases ({@link ServerLeases}): a scratch copy to experiment on (benchmarks, tests) without touching the
     * store itself. Returns the copy. The copy takes the store's key ({@code secret.key}, kept private), without which
     * its digests could not be checked.
     */
    public Store copyTo(Path target) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> !p.startsWith(ServerLeases.dir(this))).toList()) {
                Path to = target.resolve(root.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    PrivateFiles.createDirectories(to);
                } else if (!p.getFileName().toString().equals(StoreLock.FILE_NAME)) {
                    if (p.getFileName().toString().startsWith(dev.lethe.core.keys.StoreKeys.FILE_NAME)) {
                        Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                        dev.lethe.core.keys.StoreKeys.restrict(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        }
        return open(target);
    }

    /**
     * Prepares {@code root} for a new store. The folder must be absent, empty, or an existing store
     * (which is then replaced); any other non-empty folder is refused so a typo never overwrites data.
     * Callers check the store's {@link ErasureHistory} first: its tombstones are kept in
     * {@value #REPLACING_FILE} until the new manifest (which carries them) is written, so a crash in the
     * middle of a replacement never loses what the store had forgotten.
     */
    public static Store create(Path root) throws IOException {
        Store store = new Store(root);
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new StoreException(root + " exists and is not a folder");
            }
            boolean empty;
            try (var entries = Files.list(root)) {
                empty = entries.findAny().isEmpty();
            }
            boolean replacing = Files.isRegularFile(store.replacingFile());
            if (!empty && !Files.isRegularFile(store.manifestFile()) && !replacing) {
                throw new StoreException(root + " is a non-empty folder that is not a Lethe store; choose another --store");
            }
            if (!empty) {
                if (!replacing) {
                    StoreManifest old = store.readManifest();
                    List<String> tombstones = old.tombstones() == null ? List.of() : old.tombstones();
                    Map<String, Object> carried = new java.util.LinkedHashMap<>();
                    carried.put("tombstones", tombstones);
                    carried.put("digestKey", old.digestKey());
                    AtomicFiles.write(store.replacingFile(), JSON.writeValueAsBytes(carried));
                }
                // The manifest goes first: from then on the folder is no longer a store that points at
                // half-deleted files.
                Files.deleteIfExists(store.manifestFile());
                FileUtils.deleteDirectory(store.modelsDir().toFile());
                FileUtils.deleteDirectory(store.reportsDir().toFile());
                FileUtils.deleteDirectory(store.dataDir().toFile());
                FileUtils.deleteDirectory(store.checkpointsDir().toFile());
                FileUtils.deleteDirectory(store.root.resolve("history").toFile());
                for (String suffix : new String[]{"", "-wal", "-shm", "-journal"}) {
                    Files.deleteIfExists(store.root.resolve("ledger.db" + suffix));
                }
                // secret.key stays: the tombstones carried over are digests made with it
            }
        }
        PrivateFiles.createDirectories(store.modelsDir());
        PrivateFiles.createDirectories(store.reportsDir());
        return store;
    }

    /** Name of the file that holds a replaced store's tombstones until the new manifest is written. */
    public static final String REPLACING_FILE = "replacing.json";

    /** {@value #REPLACING_FILE}: present only while a replacement is under way (or was interrupted). */
    public Path replacingFile() {
        return root.resolve(REPLACING_FILE);
    }

    /**
     * The tombstones a replacement under way keeps in {@value #REPLACING_FILE} and the id of the key that made them
     * (null: plain digests); none when there is no replacement under way.
     */
    static Carried tombstonesBeingCarried(Path root) throws IOException {
        Path file = root.resolve(REPLACING_FILE);
        if (!Files.isRegularFile(file)) {
            return new Carried(List.of(), null);
        }
        com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(file.toFile());
        List<String> out = new java.util.ArrayList<>();
        json.path("tombstones").forEach(t -> out.add(t.asText()));
        return new Carried(out, json.path("digestKey").isTextual() ? json.path("digestKey").asText() : null);
    }

    /** Tombstones carried over by a replacement, and the id of the key that made them (null: plain SHA-256). */
    record Carried(List<String> tombstones, String digestKey) {
    }

    public Path root() {
        return root;
    }

    public Path manifestFile() {
        return root.resolve("manifest.json");
    }

    public Path modelsDir() {
        return root.resolve("models");
    }

    public Path reportsDir() {
        return root.resolve("reports");
    }

    /** The ingested records of a SISA store. */
    public Path dataDir() {
        return root.resolve("data");
    }

    /** The content-addressed SISA checkpoints. */
    public Path checkpointsDir() {
        return root.resolve("checkpoints");
    }

    /** The SQLite ledger of requests, receipts and audit events. */
    public Path ledgerFile() {
        return root.resolve("ledger.db");
    }

    /** Where model version {@code v} lives, relative to the store. */
    public static String modelFileName(int version) {
        return "models/model-v" + version + ".lethe-model";
    }

    private volatile CachedManifest cachedManifest;

    /**
     * Reads the manifest, with a clear error when it is damaged. The parsed manifest is kept and
     * returned again while the file is the same one (same file key, modification time and size):
     * every write replaces the file by a rename, so a new manifest is a new file. A service reads the
     * manifest on every request, and it grows with the lineage (each version lists its requests).
     */
    public StoreManifest readManifest() {
        Path file = manifestFile();
        try {
            BasicFileAttributes seen = Files.readAttributes(file, BasicFileAttributes.class);
            CachedManifest cached = cachedManifest;
            if (cached != null && cached.isOf(seen)) {
                return cached.manifest();
            }
            StoreManifest m = JSON.readValue(file.toFile(), StoreManifest.class);
            if (m.schemaVersion() != SCHEMA_VERSION) {
                throw new StoreException(file + ": schema version " + m.schemaVersion()
                        + " is not supported by this Lethe (expects " + SCHEMA_VERSION + ")");
            }
            // a file replaced between the stat and the read only makes the next call read again
            cachedManifest = seen.fileKey() == null ? null : new CachedManifest(seen.fileKey(), seen.lastModifiedTime(), seen.size(), m);
            return m;
        } catch (JsonProcessingException e) {
            throw new StoreException(file + " is not a valid manifest (" + e.getOriginalMessage()
                    + " at line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw new StoreException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The manifest last parsed, and the identity of the file it came from. */
    private record CachedManifest(Object fileKey, FileTime modified, long size, StoreManifest manifest) {
        boolean isOf(BasicFileAttributes file) {
            return fileKey.equals(file.fileKey()) && modified.equals(file.lastModifiedTime()) && size == file.size();
        }
    }

    /**
     * Replaces the manifest atomically, moving versions that are neither the first nor among the newest into the
     * append-only history first ({@link ManifestHistory}), so that the manifest stays small however many requests
     * the store serves. A replacement under way ends here: the new manifest carries the tombstones that
     * {@value #REPLACING_FILE} kept.
     */
    public void writeManifest(StoreManifest manifest) throws IOException {
        AtomicFiles.write(manifestFile(), JSON.writeValueAsBytes(ManifestHistory.compact(root, manifest)));
        Files.deleteIfExists(replacingFile());
    }

    /** Every model version, oldest first: those in the history ({@code history/versions.jsonl}), then the manifest's. */
    public List<StoreManifest.ModelVersion> history() throws IOException {
        List<StoreManifest.ModelVersion> all = new java.util.ArrayList<>();
        StoreManifest m = readManifest();
        all.add(m.models().get(0));
        int firstRecent = m.models().size() > 1 ? m.models().get(1).version() : Integer.MAX_VALUE;
        for (StoreManifest.ModelVersion v : ManifestHistory.read(root)) {
            if (v.version() > all.get(all.size() - 1).version() && v.version() < firstRecent) {
                all.add(v);
            }
        }
        all.addAll(m.models().subList(1, m.models().size()));
        return all;
    }

    /** Writes a JSON report under {@code reports/}, atomically, and returns its path. */
    public Path writeReport(String fileName, Object report) throws IOException {
        Path file = reportsDir().resolve(fileName);
        AtomicFiles.write(file, JSON.writeValueAsBytes(report));
        return file;
    }

    /** The path of the current model file, after checking that its bytes match the manifest's digest. */
    public Path currentModelFile() throws IOException {
        SingleModelVersion current = readManifest().currentSingle();
        Path file = root.resolve(current.file());
        if (!Files.isRegularFile(file)) {
            throw new StoreException(file + " is missing: the store is damaged (the manifest names it as model version "
                    + current.version() + ")");
        }
        String actual = sha256(file);
        if (!actual.equals(current.sha256())) {
            throw new StoreException(file + " does not match the manifest (sha256 " + actual + ", expected "
                    + current.sha256() + "): the model file is corrupt; retrain the store");
        }
        return file;
    }

    /**
     * The file that keeps the model's architecture ({@link StoreManifest.ModelInfo#graphFile}), after checking its bytes
     * against the manifest's digest; empty when the model needs none.
     */
    public Optional<Path> verifiedGraphFile(StoreManifest manifest) throws IOException {
        StoreManifest.ModelInfo model = manifest.model();
        if (model.graphFile() == null) {
            return Optional.empty();
        }
        Path file = root.resolve(model.graphFile());
        if (!Files.isRegularFile(file)) {
            throw new StoreException(file + " is missing: the store is damaged (it keeps the architecture of model " + model.spec()
                    + "); import or train the store again");
        }
        String actual = sha256(file);
        if (!actual.equals(model.graphSha256())) {
            throw new StoreException(file + " does not match the manifest (sha256 " + actual + ", expected " + model.graphSha256()
                    + "): the model's architecture file is corrupt; import or train the store again");
        }
        return Optional.of(file);
    }

    /** SHA-256 of a file's bytes, hex. */
    public static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return DigestUtils.sha256Hex(in);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectWriter COMPACT = JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** One-line JSON, for documents kept in the ledger. */
    public static String compactJson(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** The JSON mapper stores use, for callers that print the same documents. */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * Deletes a whole scratch store (a demo's, a benchmark's) with everything in it, tombstones included;
     * refuses a folder that is not a store. Never for a store that serves erasure requests: replace one
     * with {@link #create} after checking its {@link ErasureHistory}.
     */
    public static void deleteScratch(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        if (!Files.isRegularFile(root.resolve("manifest.json")) && !Files.isRegularFile(root.resolve(REPLACING_FILE))) {
            throw new StoreException(root + " exists and is not a Lethe store; choose another folder");
        }
        FileUtils.deleteDirectory(root.toFile());
    }
}
