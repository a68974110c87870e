package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.metrics.Memorization;
import dev.lethe.core.lm.metrics.MiaAuc;
import dev.lethe.core.lm.metrics.MiaScores;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.lethe.core.lm.evallog.LogEntries.NODES;

/**
 * The forget-set memorisation metrics and the membership-inference attacks against the holdout set, in
 * OpenUnlearning's layout: {@code exact_memorization} and {@code extraction_strength} with a per-item
 * {@code score}; each {@code mia_*} entry with {@code forget} and {@code holdout} sub-entries (their mean
 * score and per-item {@code score}), the {@code auc} and {@code agg_value} = AUC (src/evals/metrics/mia/).
 * Min-k, min-k++, exact memorisation and extraction strength drop the last labelled (end-of-answer)
 * position; loss and zlib keep it. The zlib text is the ground-truth answer.
 */
final class ForgetMetrics {

    private ForgetMetrics() {
    }

    static void addMemorization(ObjectNode log, List<ItemScores> forget) {
        ObjectNode exact = NODES.objectNode();
        ObjectNode extraction = NODES.objectNode();
        List<Double> exactValues = new ArrayList<>();
        double[] extractionValues = new double[forget.size()];
        for (int k = 0; k < forget.size(); k++) {
            ItemScores item = forget.get(k);
            int[] labels = Memorization.dropFinalToken(item.answerTokens());
            int[] argmax = Memorization.dropFinalToken(item.answerArgmax());
            Double em = Memorization.exactMemorization(labels, argmax);
            ObjectNode emValue = NODES.objectNode();
            if (em == null) {
                emValue.putNull("score");
            } else {
                emValue.put("score", em);
                exactValues.add(em);
            }
            exact.set(QaMetrics.key(item), emValue);
            extractionValues[k] = Memorization.extractionStrength(labels, argmax);
            extraction.set(QaMetrics.key(item), NODES.objectNode().put("score", extractionValues[k]));
        }
        log.set(TofuMetricNames.EXACT_MEMORIZATION, exactValues.isEmpty()
                ? LogEntries.notComputed("no forget item has an answer position before its end token")
                : LogEntries.perItem(exactValues.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), exact));
        log.set(TofuMetricNames.EXTRACTION_STRENGTH, LogEntries.perItem(LogEntries.mean(extractionValues), extraction));
    }

    static void addMia(ObjectNode log, List<ItemScores> forget, List<ItemScores> holdout) {
        log.set(TofuMetricNames.MIA_LOSS, attack(forget, holdout, ItemScores::meanNll));
        log.set(TofuMetricNames.MIA_ZLIB, attack(forget, holdout, item -> MiaScores.zlib(item.meanNll(), item.answer())));
        log.set(TofuMetricNames.MIA_MIN_K, attack(forget, holdout,
                item -> MiaScores.minK(tokenLogProbs(item), MiaScores.TOFU_K)));
        log.set(TofuMetricNames.MIA_MIN_K_PLUS_PLUS, attack(forget, holdout,
                item -> MiaScores.minKPlusPlus(tokenLogProbs(item), Memorization.dropFinalToken(item.expectedLogProbs()),
                        Memorization.dropFinalToken(item.logProbVariances()), MiaScores.TOFU_K)));
    }

    /** log p of each answer token, the last (end-of-answer) position dropped. */
    private static double[] tokenLogProbs(ItemScores item) {
        double[] nlls = Memorization.dropFinalToken(item.answerTokenNlls());
        double[] logProbs = new double[nlls.length];
        for (int i = 0; i < nlls.length; i++) {
            logProbs[i] = -nlls[i];
        }
        return logProbs;
    }

    private static ObjectNode attack(List<ItemScores> forget, List<ItemScores> holdout, ToDoubleFunction<ItemScores> score) {
        double[] forgetScores = forget.stream().mapToDouble(score).toArray();
        double[] holdoutScores = holdout.stream().mapToDouble(score).toArray();
        double auc = MiaAuc.of(forgetScores, holdoutScores);
        ObjectNode entry = NODES.objectNode();
        entry.set("forget", scores(forget, forgetScores));
        entry.set("holdout", scores(holdout, holdoutScores));
        entry.put("auc", auc);
        entry.put("agg_value", auc);
        return entry;
    }

    private static ObjectNode scores(List<ItemScores> items, double[] scores) {
        ObjectNode byIndex = NODES.objectNode();
        for (int k = 0; k < scores.length; k++) {
            byIndex.set(QaMetrics.key(items.get(k)), NODES.objectNode().put("score", scores[k]));
        }
        return LogEntries.perItem(LogEntries.mean(scores), byIndex);
    }
}
