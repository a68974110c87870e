package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.metrics.HarmonicMean;
import dev.lethe.core.lm.metrics.KolmogorovSmirnov;
import dev.lethe.core.lm.metrics.MiaAuc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.lethe.core.lm.evallog.LogEntries.NODES;

/**
 * Builds a TOFU eval log from the per-item scores of each split, with the metric definitions of
 * {@code dev.lethe.core.lm.metrics} and OpenUnlearning's names and per-item keys. Absent splits have no
 * metrics; model utility needs retain, real authors and world facts, and says what is missing otherwise;
 * forget quality and the PrivLeak reference come from a retain model's log ({@code --retain-logs}), and
 * forget quality is "not computed: no retain log" without one (never 1.0 or 0). PrivLeak without a retain
 * log uses OpenUnlearning's default reference AUC of 0.5 ({@code ref_value} in privleak.yaml) and says so.
 *
 * <p>Besides OpenUnlearning's entries, the log keeps Lethe's raw per-item inputs of each split under
 * {@code lethe_inputs_<split>} so that every aggregate can be recomputed (docs/LM-EVAL-LOG.md).
 */
public final class TofuEvalLogBuilder {

    /** OpenUnlearning's reference AUC when no retain log is given (configs/eval/tofu_metrics/privleak.yaml). */
    public static final double DEFAULT_REFERENCE_AUC = 0.5;

    /** The nine parts of model utility, in OpenUnlearning's order (configs/eval/tofu_metrics/model_utility.yaml). */
    public static final List<String> MODEL_UTILITY_PARTS = List.of(
            TofuMetricNames.probability(EvalSplit.RETAIN), TofuMetricNames.rouge(EvalSplit.RETAIN),
            TofuMetricNames.truthRatio(EvalSplit.RETAIN),
            TofuMetricNames.normalisedProbability(EvalSplit.REAL_AUTHORS), TofuMetricNames.rouge(EvalSplit.REAL_AUTHORS),
            TofuMetricNames.truthRatio(EvalSplit.REAL_AUTHORS),
            TofuMetricNames.normalisedProbability(EvalSplit.WORLD_FACTS), TofuMetricNames.rouge(EvalSplit.WORLD_FACTS),
            TofuMetricNames.truthRatio(EvalSplit.WORLD_FACTS));

    private TofuEvalLogBuilder() {
    }

    /** The log of an evaluation without a retain log. */
    public static TofuEvalLog build(Map<EvalSplit, List<ItemScores>> splits) {
        return build(splits, Optional.empty());
    }

    /**
     * The log of an evaluation.
     *
     * @param splits the per-item scores of each evaluated split (any may be absent; none may be empty)
     * @param retainLog the retain-only model's log, for forget quality and PrivLeak
     */
    public static TofuEvalLog build(Map<EvalSplit, List<ItemScores>> splits, Optional<RetainLog> retainLog) {
        splits.forEach(TofuEvalLogBuilder::validate);
        ObjectNode log = NODES.objectNode();
        for (EvalSplit split : EvalSplit.values()) {
            List<ItemScores> items = splits.get(split);
            if (items == null) {
                continue;
            }
            log.set(TofuMetricNames.rawInputs(split), rawInputs(items));
            if (split != EvalSplit.HOLDOUT) {
                QaMetrics.add(log, split, items);
            }
        }
        List<ItemScores> forget = splits.get(EvalSplit.FORGET);
        if (forget != null) {
            ForgetMetrics.addMemorization(log, forget);
            log.set(TofuMetricNames.FORGET_QUALITY, forgetQuality(log, forget, retainLog));
            List<ItemScores> holdout = splits.get(EvalSplit.HOLDOUT);
            if (holdout != null) {
                ForgetMetrics.addMia(log, forget, holdout);
                log.set(TofuMetricNames.PRIVLEAK, privLeak(log.path(TofuMetricNames.MIA_MIN_K).path("agg_value").asDouble(), retainLog));
            }
        }
        log.set(TofuMetricNames.MODEL_UTILITY, modelUtility(log));
        return new TofuEvalLog(log);
    }

    private static void validate(EvalSplit split, List<ItemScores> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the " + split.prefix() + " split has no items; leave an unevaluated split out");
        }
        Set<Integer> seen = new HashSet<>();
        for (ItemScores item : items) {
            if (!seen.add(item.index())) {
                throw new IllegalArgumentException("the " + split.prefix() + " split has item index " + item.index()
                        + " twice; indices must be unique within a split");
            }
            if (item.answerTokens().length == 0) {
                throw new IllegalArgumentException("item " + item.index() + " of the " + split.prefix()
                        + " split has no answer tokens; every answer has at least its end token");
            }
        }
    }

    private static ObjectNode forgetQuality(ObjectNode log, List<ItemScores> forget, Optional<RetainLog> retainLog) {
        ObjectNode ours = (ObjectNode) log.get(TofuMetricNames.FORGET_TRUTH_RATIO);
        if (ours == null) {
            return LogEntries.notComputed("the forget split has no truth ratio (it needs paraphrased and perturbed answers)");
        }
        if (retainLog.isEmpty()) {
            return LogEntries.notComputed("no retain log");
        }
        double[] reference = retainLog.get().forgetTruthRatiosFor(forget);
        double[] scores = forget.stream()
                .mapToDouble(item -> ours.path("value_by_index").path(QaMetrics.key(item)).path("score").asDouble()).toArray();
        ObjectNode entry = LogEntries.aggregateOnly(KolmogorovSmirnov.pValue(scores, reference));
        entry.put("lethe_retain_log", retainLog.get().source().toString());
        return entry;
    }

    private static ObjectNode privLeak(double minKAuc, Optional<RetainLog> retainLog) {
        Optional<Double> reference = retainLog.flatMap(RetainLog::minKAuc);
        double referenceAuc = reference.orElse(DEFAULT_REFERENCE_AUC);
        ObjectNode entry = LogEntries.aggregateOnly(MiaAuc.privLeak(minKAuc, referenceAuc));
        entry.put("lethe_reference_auc", referenceAuc);
        entry.put("lethe_reference", reference.isPresent()
                ? "mia_min_k of the retain log " + retainLog.get().source()
                : "OpenUnlearning's default retain AUC 0.5 (no retain log with mia_min_k)");
        return entry;
    }

    private static ObjectNode modelUtility(ObjectNode log) {
        List<String> missing = new ArrayList<>();
        double[] parts = new double[MODEL_UTILITY_PARTS.size()];
        for (int i = 0; i < parts.length; i++) {
            String name = MODEL_UTILITY_PARTS.get(i);
            if (log.path(name).path("agg_value").isNumber()) {
                parts[i] = log.get(name).get("agg_value").asDouble();
            } else {
                missing.add(name);
            }
        }
        return missing.isEmpty()
                ? LogEntries.aggregateOnly(HarmonicMean.modelUtility(parts))
                : LogEntries.notComputed("missing " + String.join(", ", missing)
                + " (model utility needs the retain, real-author and world-fact splits with perturbed answers and generations)");
    }

    /** Lethe's raw per-item inputs: everything the aggregates are computed from. */
    private static ObjectNode rawInputs(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        for (ItemScores item : items) {
            ObjectNode values = NODES.objectNode();
            values.put("question", item.question());
            values.put("answer", item.answer());
            values.set("answer_tokens", ints(item.answerTokens()));
            values.set("token_nlls", doubles(item.answerTokenNlls()));
            values.set("argmax_tokens", ints(item.answerArgmax()));
            values.set("expected_log_probs", doubles(item.expectedLogProbs()));
            values.set("log_prob_variances", doubles(item.logProbVariances()));
            if (item.paraphrasedMeanNll() != null) {
                values.put("paraphrased_mean_nll", item.paraphrasedMeanNll());
            }
            values.set("perturbed_mean_nlls", doubles(item.perturbedMeanNlls()));
            if (item.generation() != null) {
                values.put("generation", item.generation());
            }
            byIndex.set(QaMetrics.key(item), values);
        }
        ObjectNode entry = NODES.objectNode();
        entry.set("value_by_index", byIndex);
        return entry;
    }

    private static ArrayNode ints(int[] values) {
        ArrayNode array = NODES.arrayNode(values.length);
        for (int v : values) {
            array.add(v);
        }
        return array;
    }

    private static ArrayNode doubles(double[] values) {
        ArrayNode array = NODES.arrayNode(values.length);
        for (double v : values) {
            array.add(v);
        }
        return array;
    }
}
