package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.lm.ItemScores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The eval log of a retain-only model (Lethe's own or any {@code TOFU_EVAL.json} in OpenUnlearning's
 * layout), the reference that forget quality and PrivLeak are computed against, as OpenUnlearning's
 * {@code retain_logs_path} (configs/eval/tofu_metrics/forget_quality.yaml, privleak.yaml): the per-item
 * forget truth ratios ({@code forget_truth_ratio.value_by_index.*.score}) and the min-k MIA AUC
 * ({@code mia_min_k.agg_value}).
 *
 * <p>A retain log only means something for the same forget questions: one whose forget items have other
 * indices, or other questions where the log records them ({@code lethe_inputs_forget.*.question} exactly,
 * or OpenUnlearning's {@code forget_Q_A_ROUGE.*.input}, which must contain the question), is refused.
 */
public final class RetainLog {

    /** OpenUnlearning's key, and the capitalised form some tables use. */
    private static final List<String> TRUTH_RATIO_KEYS = List.of(TofuMetricNames.FORGET_TRUTH_RATIO, "forget_Truth_Ratio");

    private final Path source;
    private final Map<String, Double> forgetTruthRatios;
    private final Map<String, String> exactQuestions;
    private final Map<String, String> promptInputs;
    private final Double minKAuc;

    private RetainLog(Path source, Map<String, Double> forgetTruthRatios, Map<String, String> exactQuestions,
                      Map<String, String> promptInputs, Double minKAuc) {
        this.source = source;
        this.forgetTruthRatios = forgetTruthRatios;
        this.exactQuestions = exactQuestions;
        this.promptInputs = promptInputs;
        this.minKAuc = minKAuc;
    }

    /** Reads a retain model's {@code TOFU_EVAL.json} (or the folder that holds it). */
    public static RetainLog read(Path path) {
        TofuEvalLog log = TofuEvalLog.read(path);
        JsonNode truthRatio = TRUTH_RATIO_KEYS.stream().map(log::metric).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the retain log " + path + " has no "
                        + TofuMetricNames.FORGET_TRUTH_RATIO + " entry: forget quality needs the retain model's per-item "
                        + "forget truth ratios (evaluate the retain model on the same forget split first)"));
        JsonNode byIndex = truthRatio.path("value_by_index");
        if (!byIndex.isObject() || byIndex.isEmpty()) {
            throw new IllegalArgumentException("the retain log " + path + " has a forget truth ratio without per-item "
                    + "values (value_by_index); forget quality needs them");
        }
        Map<String, Double> ratios = new LinkedHashMap<>();
        byIndex.fields().forEachRemaining(e -> {
            JsonNode score = e.getValue().path("score");
            if (!score.isNumber()) {
                throw new IllegalArgumentException("the retain log " + path + " has no numeric forget truth ratio score for item "
                        + e.getKey());
            }
            ratios.put(e.getKey(), score.asDouble());
        });
        Double minK = log.metric(TofuMetricNames.MIA_MIN_K).map(m -> m.path("agg_value"))
                .filter(JsonNode::isNumber).map(JsonNode::asDouble).orElse(null);
        return new RetainLog(path, ratios,
                texts(log, TofuMetricNames.rawInputs(EvalSplit.FORGET), "question"),
                texts(log, TofuMetricNames.rouge(EvalSplit.FORGET), "input"), minK);
    }

    private static Map<String, String> texts(TofuEvalLog log, String metric, String field) {
        Map<String, String> texts = new LinkedHashMap<>();
        log.metric(metric).map(m -> m.path("value_by_index")).ifPresent(byIndex -> byIndex.fields().forEachRemaining(e -> {
            JsonNode text = e.getValue().get(field);
            if (text != null && text.isTextual()) {
                texts.put(e.getKey(), text.asText());
            }
        }));
        return texts;
    }

    /** Where the log was read from. */
    public Path source() {
        return source;
    }

    /** The retain model's min-k MIA AUC, if its log has one. */
    public Optional<Double> minKAuc() {
        return Optional.ofNullable(minKAuc);
    }

    /**
     * The retain model's forget truth ratios, after checking that the log is about the same forget items:
     * the same indices and, where the log records them, the same questions.
     */
    public double[] forgetTruthRatiosFor(List<ItemScores> forget) {
        TreeSet<Integer> ours = new TreeSet<>();
        forget.forEach(item -> ours.add(item.index()));
        TreeSet<Integer> theirs = new TreeSet<>();
        forgetTruthRatios.keySet().forEach(key -> theirs.add(parseIndex(key)));
        if (!ours.equals(theirs)) {
            throw new IllegalArgumentException("the retain log " + source + " is for another forget split or question set: it has "
                    + describe(theirs) + " but this evaluation's forget split has " + describe(ours)
                    + "; evaluate the retain model on the same forget split");
        }
        List<Double> ratios = new ArrayList<>();
        for (ItemScores item : forget) {
            String key = Integer.toString(item.index());
            String question = exactQuestions.get(key);
            String input = promptInputs.get(key);
            if ((question != null && !question.equals(item.question())) || (input != null && !input.contains(item.question()))) {
                throw new IllegalArgumentException("the retain log " + source + " has another question at forget item " + key
                        + " (\"" + (question != null ? question : input) + "\" vs \"" + item.question()
                        + "\"): it was evaluated on another question set");
            }
            ratios.add(forgetTruthRatios.get(key));
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int parseIndex(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a retain log's value_by_index keys must be item indices; got \"" + key + "\"", e);
        }
    }

    private static String describe(TreeSet<Integer> indices) {
        return indices.size() + " items (indices " + indices.first() + ".." + indices.last() + ")";
    }
}
