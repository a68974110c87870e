package dev.lethe.torch.scenario.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.service.TrainService;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * with results they cannot be compared with. So is a folder written by another build ({@code build} in
 * {@code config.json}: the digest of Lethe's compiled code and the DJL and PyTorch versions), because the same
 * configuration gives other figures when the methods' code changed, and a resumed table would mix the two (a
 * before/after comparison in one folder came back identical that way). The list of methods is not part of the
 * configuration hash: each result depends only on its seed, its method, the rest of the configuration and the build,
 * so a run that adds a method to a finished one computes only the new method's rows and reuses the others.
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
     * and the data fingerprint. Refuses a folder whose {@code config.json} has another hash or another build
     * ({@link #build()}), and a non-empty folder without one.
     */
    public static RunFolder open(Path dir, Map<String, Object> config) throws IOException {
        String hash = hash(config);
        Map<String, String> build = build();
        Path file = dir.resolve("config.json");
        if (Files.isRegularFile(file)) {
            JsonNode existing = Store.json().readTree(file.toFile());
            String old = existing.path("configHash").asText();
            if (!old.equals(hash)) {
                throw new IllegalArgumentException(dir + " holds a scenario run with another configuration (config hash "
                        + abbreviate(old) + ", this one " + abbreviate(hash) + "): its results cannot be mixed with these. "
                        + "Use another --out folder, or delete " + dir + " to start over.");
            }
            JsonNode written = existing.path("build");
            if (!written.equals(Store.json().valueToTree(build))) {
                throw new IllegalArgumentException(dir + " holds results computed by " + (written.isMissingNode()
                        ? "a build of Lethe that did not record itself" : "another build of Lethe (" + describe(written) + ")")
                        + ", this one " + describe(Store.json().valueToTree(build)) + ": the same configuration gives other "
                        + "figures when the code changed, so its results cannot be mixed with these. Use another --out folder, or "
                        + "delete " + dir + " to start over.");
            }
            if (!existing.path("config").path("methods").equals(Store.json().valueToTree(config).path("config").path("methods"))) {
                writeConfig(file, hash, build, config); // the methods this run reports
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
        writeConfig(file, hash, build, config);
        return new RunFolder(dir, hash);
    }

    /**
     * What, besides the configuration, decides a result's figures: Lethe's version and the digest of its compiled code
     * ({@link dev.lethe.core.CodeDigest}), and the DJL and PyTorch versions. Java and the OS are in the reports' versions
     * but not here: they do not change a trained weight.
     */
    static Map<String, String> build() {
        Map<String, String> versions = TrainService.versions(TorchRuntime.engine());
        Map<String, String> build = new LinkedHashMap<>();
        for (String key : List.of("lethe", "code", "djl", "pytorch")) {
            build.put(key, versions.get(key));
        }
        return build;
    }

    private static String describe(JsonNode build) {
        return "code " + abbreviate(build.path("code").asText()) + ", Lethe " + build.path("lethe").asText() + ", DJL "
                + build.path("djl").asText() + ", PyTorch " + build.path("pytorch").asText();
    }

    /** SHA-256 of the configuration document without its list of methods ({@code config.methods}). */
    private static String hash(Map<String, Object> config) throws IOException {
        JsonNode tree = Store.json().valueToTree(config);
        if (tree.path("config") instanceof com.fasterxml.jackson.databind.node.ObjectNode settings) {
            settings.remove("methods");
        }
        return DigestUtils.sha256Hex(Store.json().writeValueAsString(tree));
    }

    private static void writeConfig(Path file, String hash, Map<String, String> build, Map<String, Object> config) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("configHash", hash);
        doc.put("build", build);
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
