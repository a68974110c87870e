package dev.lethe.torch.scenario.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The output folder of a scenario run, which is also what makes a run resumable:
 * <pre>
 *   config.json                      the resolved configuration, the data fingerprint, and their SHA-256 (the config hash)
 *   results/seed-S/METHOD.json       one {@link MethodResult}, written atomically when it is finished
 *   models/seed-S/NAME.model         the original model and the retrained references, so a resumed run needs not retrain them
 *   report.json, results.csv, report.md, report.html, plots/*.png   the report ({@code ScenarioReport})
 * </pre>
 * Opening a folder that holds another configuration's run is refused: its results would be mixed
 * with results they cannot be compared with. The list of methods is not part of the configuration hash: each
 * result depends only on its seed, its method and the rest of the configuration, so a run that adds a method to a
 * finished one computes only the new method's rows and reuses the others.
 */
public final class RunFolder {

    private final Path dir;
    private final String configHash;

    private RunFolder(Path dir, String configHash) {
        this.dir = dir;
        this.configHash = configHash;
    }

    /**
     * Opens (or starts) the run folder for {@code config}, a JSON-ready map of the resolved configuration
     * and the data fingerprint. Refuses a folder whose {@code config.json} has another hash, and a
     * non-empty folder without one.
     */
    public static RunFolder open(Path dir, Map<String, Object> config) throws IOException {
        String hash = hash(config);
        Path file = dir.resolve("config.json");
        if (Files.isRegularFile(file)) {
            JsonNode existing = Store.json().readTree(file.toFile());
            String old = existing.path("configHash").asText();
            // a folder written before the hash left the methods out carries the hash of the whole document
            boolean legacy = old.equals(DigestUtils.sha256Hex(Store.json().writeValueAsString(config)));
            if (!old.equals(hash) && !legacy) {
                throw new IllegalArgumentException(dir + " holds a scenario run with another configuration (config hash "
                        + abbreviate(old) + ", this one " + abbreviate(hash) + "): its results cannot be mixed with these. "
                        + "Use another --out folder, or delete " + dir + " to start over.");
            }
            if (legacy || !existing.path("config").path("methods").equals(Store.json().valueToTree(config).path("config").path("methods"))) {
                writeConfig(file, hash, config); // the methods this run reports
            }
            return new RunFolder(dir, hash);
        }
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is a non-empty folder that holds no scenario run (no config.json); "
                            + "choose another --out folder");
                }
            }
        }
        writeConfig(file, hash, config);
        return new RunFolder(dir, hash);
    }

    /** SHA-256 of the configuration document without its list of methods ({@code config.methods}). */
    private static String hash(Map<String, Object> config) throws IOException {
        JsonNode tree = Store.json().valueToTree(config);
        if (tree.path("config") instanceof com.fasterxml.jackson.databind.node.ObjectNode settings) {
            settings.remove("methods");
        }
        return DigestUtils.sha256Hex(Store.json().writeValueAsString(tree));
    }

    private static void writeConfig(Path file, String hash, Map<String, Object> config) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("configHash", hash);
        doc.putAll(config);
        AtomicFiles.write(file, Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    /** The folder itself. */
    public Path dir() {
        return dir;
    }

    /** SHA-256 of the resolved configuration and the data fingerprint. */
    public String configHash() {
        return configHash;
    }

    /** The finished result of (seed, method), if an earlier run wrote it. */
    public Optional<MethodResult> result(long seed, String method) throws IOException {
        Path file = resultFile(seed, method);
        return Files.isRegularFile(file) ? Optional.of(Store.json().readValue(file.toFile(), MethodResult.class)) : Optional.empty();
    }

    /** Writes a finished result atomically. */
    public void write(MethodResult result) throws IOException {
        try {
            AtomicFiles.write(resultFile(result.seed(), result.method()),
                    Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result of " + result.method() + ": " + e.getMessage(), e);
        }
    }

    /** Where the model {@code name} of {@code seed} is kept. */
    public Path modelFile(long seed, String name) {
        return dir.resolve("models").resolve("seed-" + seed).resolve(name + ".model");
    }

    /** A scratch folder for {@code seed} (SISA's store), removed by the caller when done. */
    public Path workDir(long seed) {
        return dir.resolve("work").resolve("seed-" + seed);
    }

    private Path resultFile(long seed, String method) {
        return dir.resolve("results").resolve("seed-" + seed).resolve(method + ".json");
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }
}
