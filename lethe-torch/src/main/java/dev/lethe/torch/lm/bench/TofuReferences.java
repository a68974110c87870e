package dev.lethe.torch.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.torch.scenario.bench.RunFolder;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the reference rows of another {@code bench tofu} run folder — the full model, both retain-only models and the
 * suppression-only baseline: their results, evaluation logs and saved models — into a new run folder, so that a run
 * that differs only in what the methods do (other methods, options or {@code --unlearn-seed}) does not train the
 * references again (about 45 minutes on two cores for forget01).
 *
 * <p>The references must be the ones this configuration would make: the same data (by fingerprint), split, retain
 * authors, model, epochs, seed, threads and answer length. A folder made otherwise is refused, naming what differs, and
 * nothing is copied. What the new folder already holds is kept (a resumed run stays as it was). The build is not compared
 * (a run whose methods' code changed is what this is for); {@value #PROVENANCE} records which build made the rows taken.
 */
final class TofuReferences {

    /** The configuration fields that decide the reference rows (the rest — methods, options, unlearnSeed — only the method rows). */
    private static final List<String> REFERENCE_FIELDS = List.of("split", "retainAuthors", "epochs", "model", "seed", "threads", "maxNewTokens");

    private TofuReferences() {
    }

    /**
     * Copies the reference rows of run folder {@code from} into {@code to}, whose configuration document is
     * {@code document} ({@link TofuBench#configDocument}); returns the names of the rows copied.
     *
     * @throws IllegalArgumentException when {@code from} is not a run folder or its references were made otherwise
     */
    static List<String> copy(Path from, RunFolder to, Map<String, Object> document, long seed) throws IOException {
        Path config = from.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--references " + from + " holds no bench tofu run (no config.json): give the --out folder "
                    + "of an earlier run");
        }
        JsonNode theirs = Store.json().readTree(config.toFile());
        if (!"tofu".equals(theirs.path("benchmark").asText())) {
            throw new IllegalArgumentException("--references " + from + " is not a bench tofu run (its config.json says benchmark '"
                    + theirs.path("benchmark").asText() + "')");
        }
        JsonNode ours = Store.json().valueToTree(document);
        List<String> differ = new ArrayList<>();
        // compared as JSON text: a number read back from the file is an int node where the record's long is a long node
        if (!ours.path("dataFingerprint").toString().equals(theirs.path("dataFingerprint").toString())) {
            differ.add("the data (fingerprint)");
        }
        for (String field : REFERENCE_FIELDS) {
            JsonNode mine = ours.path("config").path(field);
            JsonNode other = theirs.path("config").path(field);
            if (!mine.toString().equals(other.toString())) {
                differ.add(field + " " + other + " there, " + mine + " here");
            }
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("--references " + from + " made its reference models otherwise: " + String.join("; ", differ)
                    + ". Give a run with the same options, or leave --references out to train them here");
        }
        Path root = to.dir();
        List<String> copied = new ArrayList<>();
        for (String name : TofuRow.REFERENCE_NAMES) {
            Path result = TofuBench.resultPath(name);
            if (!Files.isRegularFile(from.resolve(result)) || Files.exists(root.resolve(result))) {
                continue; // not finished there (it is computed here), or already here
            }
            Path evals = TofuBench.evalPath(name);
            if (Files.isDirectory(from.resolve(evals))) {
                FileUtils.copyDirectory(from.resolve(evals).toFile(), root.resolve(evals).toFile());
            }
            Path model = root.relativize(to.modelFile(seed, name));
            if (Files.isRegularFile(from.resolve(model)) && !Files.exists(root.resolve(model))) {
                Files.createDirectories(root.resolve(model).getParent());
                Files.copy(from.resolve(model), root.resolve(model));
            }
            // the row last: a row in results/ is what marks it finished, so a copy cut short is taken again on the next run
            Files.createDirectories(root.resolve(result).getParent());
            Files.copy(from.resolve(result), root.resolve(result));
            copied.add(name);
        }
        if (!copied.isEmpty()) {
            recordProvenance(from, theirs, to, copied);
        }
        return copied;
    }

    /** Where the provenance of the rows taken is kept, beside {@code config.json}. */
    static final String PROVENANCE = "references.json";

    /**
     * Writes (or extends) {@value #PROVENANCE}: the folder the reference rows came from, the build that computed them
     * (its {@code config.json}'s {@code build}; their code may differ from this run's, which is the point of taking them
     * when only the methods changed) and the rows taken, so a report's reference rows can be traced to the code that made
     * them.
     */
    private static void recordProvenance(Path from, JsonNode theirs, RunFolder to, List<String> copied) throws IOException {
        Path file = to.dir().resolve(PROVENANCE);
        List<String> rows = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            Store.json().readTree(file.toFile()).path("rows").forEach(r -> rows.add(r.asText()));
        }
        copied.stream().filter(r -> !rows.contains(r)).forEach(rows::add);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("from", from.toAbsolutePath().normalize().toString());
        doc.put("build", theirs.path("build").isMissingNode() ? "not recorded (a folder from before run folders recorded their build)"
                : theirs.path("build"));
        doc.put("rows", rows);
        AtomicFiles.write(file, Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }
}
