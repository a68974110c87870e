package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A TOFU evaluation log in OpenUnlearning's layout (src/evals/base.py {@code Evaluator}): one entry per
 * metric name with its {@code agg_value} and, for per-item metrics, {@code value_by_index} (item index as a
 * string → that item's values). MIA entries hold {@code forget} and {@code holdout} sub-entries and the
 * {@code auc}. Written as {@code TOFU_EVAL.json}, with {@code TOFU_SUMMARY.json} holding each non-null
 * aggregate, both with sorted keys as OpenUnlearning writes them. The schema is in docs/LM-EVAL-LOG.md.
 */
public final class TofuEvalLog {

    /** The per-item log's file name. */
    public static final String EVAL_FILE = "TOFU_EVAL.json";
    /** The aggregates' file name. */
    public static final String SUMMARY_FILE = "TOFU_SUMMARY.json";

    /** Python's json module reads and writes NaN and Infinity as bare tokens; so do these logs, to stay interchangeable with OU's. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private final ObjectNode entries;

    TofuEvalLog(ObjectNode entries) {
        this.entries = entries;
    }

    /**
     * Reads a {@code TOFU_EVAL.json} written by Lethe or OpenUnlearning; {@code path} may be the file or the
     * folder that holds it.
     */
    public static TofuEvalLog read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(EVAL_FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no eval log at " + file + ": give a " + EVAL_FILE
                    + " (or the folder that holds it) in OpenUnlearning's layout");
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object of metric name → {agg_value, value_by_index}");
            }
            return new TofuEvalLog((ObjectNode) root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the eval log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The entry of a metric, if the log has it. */
    public Optional<JsonNode> metric(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** A metric's aggregate; empty when the metric is absent or was not computed. */
    public Optional<Double> aggregate(String name) {
        JsonNode value = entries.path(name).path("agg_value");
        return value.isNumber() ? Optional.of(value.asDouble()) : Optional.empty();
    }

    /** Every metric's non-null aggregate, by name (the content of {@code TOFU_SUMMARY.json}). */
    public Map<String, Double> summary() {
        Map<String, Double> summary = new TreeMap<>();
        entries.fieldNames().forEachRemaining(name -> aggregate(name).ifPresent(v -> summary.put(name, v)));
        return summary;
    }

    /** For each metric that is present but not computed, the reason. */
    public Map<String, String> notComputed() {
        Map<String, String> reasons = new TreeMap<>();
        entries.fields().forEachRemaining(e -> {
            JsonNode reason = e.getValue().get(TofuMetricNames.NOT_COMPUTED);
            if (reason != null) {
                reasons.put(e.getKey(), reason.asText());
            }
        });
        return reasons;
    }

    /** Writes {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json} into {@code directory} (created if needed). */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Map<String, JsonNode> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = entries.fields();
            fields.forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            JSON.writeValue(directory.resolve(EVAL_FILE).toFile(), sorted);
            JSON.writeValue(directory.resolve(SUMMARY_FILE).toFile(), new LinkedHashMap<>(summary()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the eval log into " + directory + ": " + e.getMessage(), e);
        }
    }
}
