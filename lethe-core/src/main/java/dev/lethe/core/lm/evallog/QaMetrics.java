package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.metrics.AnswerProbability;
import dev.lethe.core.lm.metrics.Rouge;
import dev.lethe.core.lm.metrics.TruthRatio;
import dev.lethe.core.text.QaFormat;

import java.util.List;
import java.util.function.Predicate;

import static dev.lethe.core.lm.evallog.LogEntries.NODES;

/**
 * The question-answer metrics of one split, with OpenUnlearning's per-item keys
 * (src/evals/metrics/memorization.py, utils.py): {@code _Q_A_Prob} ({@code prob}, {@code avg_loss}),
 * {@code _Q_A_PARA_Prob}, {@code _Q_A_PERT_Prob} (lists, one per perturbed answer), the truth ratio
 * ({@code score}), {@code _Q_A_Prob_normalised} ({@code prob}) and {@code _Q_A_ROUGE} ({@code rouge1_recall},
 * {@code rougeL_f1}, {@code rougeL_recall}, {@code input}, {@code ground_truth}, {@code generation}).
 * A metric whose inputs some item lacks (no paraphrase, no perturbed answers, no generation) is left out.
 */
final class QaMetrics {

    private QaMetrics() {
    }

    static void add(ObjectNode log, EvalSplit split, List<ItemScores> items) {
        boolean paraphraseSplit = split == EvalSplit.FORGET || split == EvalSplit.RETAIN;
        boolean hasParaphrases = all(items, i -> i.paraphrasedMeanNll() != null);
        boolean hasPerturbed = all(items, i -> i.perturbedMeanNlls().length > 0);

        log.set(TofuMetricNames.probability(split), probability(items));
        if (paraphraseSplit && hasParaphrases) {
            log.set(TofuMetricNames.paraphrasedProbability(split), paraphrasedProbability(items));
        }
        if (hasPerturbed) {
            log.set(TofuMetricNames.perturbedProbability(split), perturbedProbability(items));
            if (!paraphraseSplit) {
                log.set(TofuMetricNames.normalisedProbability(split), normalisedProbability(items));
            }
            if (!paraphraseSplit || hasParaphrases) {
                log.set(TofuMetricNames.truthRatio(split), truthRatio(split, items, paraphraseSplit));
            }
        }
        if (all(items, i -> i.generation() != null)) {
            log.set(TofuMetricNames.rouge(split), rouge(items));
        }
    }

    private static ObjectNode probability(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        double[] probs = new double[items.size()];
        for (int k = 0; k < probs.length; k++) {
            ItemScores item = items.get(k);
            double meanNll = AnswerProbability.meanNll(item.answerTokenNlls());
            probs[k] = AnswerProbability.fromMeanNll(meanNll);
            byIndex.set(key(item), probAndLoss(probs[k], meanNll));
        }
        return LogEntries.perItem(LogEntries.mean(probs), byIndex);
    }

    private static ObjectNode paraphrasedProbability(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        double[] probs = new double[items.size()];
        for (int k = 0; k < probs.length; k++) {
            ItemScores item = items.get(k);
            probs[k] = AnswerProbability.fromMeanNll(item.paraphrasedMeanNll());
            byIndex.set(key(item), probAndLoss(probs[k], item.paraphrasedMeanNll()));
        }
        return LogEntries.perItem(LogEntries.mean(probs), byIndex);
    }

    /** OU aggregates a multi-answer probability as the mean over items of each item's mean over its answers. */
    private static ObjectNode perturbedProbability(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        double[] itemMeans = new double[items.size()];
        for (int k = 0; k < itemMeans.length; k++) {
            ItemScores item = items.get(k);
            ArrayNode probs = NODES.arrayNode();
            ArrayNode losses = NODES.arrayNode();
            double[] itemProbs = new double[item.perturbedMeanNlls().length];
            for (int j = 0; j < itemProbs.length; j++) {
                itemProbs[j] = AnswerProbability.fromMeanNll(item.perturbedMeanNlls()[j]);
                probs.add(itemProbs[j]);
                losses.add(item.perturbedMeanNlls()[j]);
            }
            itemMeans[k] = LogEntries.mean(itemProbs);
            ObjectNode values = NODES.objectNode();
            values.set("prob", probs);
            values.set("avg_loss", losses);
            byIndex.set(key(item), values);
        }
        return LogEntries.perItem(LogEntries.mean(itemMeans), byIndex);
    }

    private static ObjectNode normalisedProbability(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        double[] probs = new double[items.size()];
        for (int k = 0; k < probs.length; k++) {
            ItemScores item = items.get(k);
            probs[k] = AnswerProbability.withOptions(item.meanNll(), item.perturbedMeanNlls());
            byIndex.set(key(item), NODES.objectNode().put("prob", probs[k]));
        }
        return LogEntries.perItem(LogEntries.mean(probs), byIndex);
    }

    /** R against the paraphrase on forget/retain, against the answer itself on real authors/world facts. */
    private static ObjectNode truthRatio(EvalSplit split, List<ItemScores> items, boolean againstParaphrase) {
        ObjectNode byIndex = NODES.objectNode();
        double[] ratios = new double[items.size()];
        for (int k = 0; k < ratios.length; k++) {
            ItemScores item = items.get(k);
            double correct = againstParaphrase ? item.paraphrasedMeanNll() : item.meanNll();
            ratios[k] = TruthRatio.of(correct, item.perturbedMeanNlls());
            byIndex.set(key(item), NODES.objectNode().put("score", ratios[k]));
        }
        double aggregate = split == EvalSplit.FORGET ? TruthRatio.closerToOneBetter(ratios) : TruthRatio.trueBetter(ratios);
        return LogEntries.perItem(aggregate, byIndex);
    }

    private static ObjectNode rouge(List<ItemScores> items) {
        ObjectNode byIndex = NODES.objectNode();
        double[] recalls = new double[items.size()];
        for (int k = 0; k < recalls.length; k++) {
            ItemScores item = items.get(k);
            Rouge.Scores scores = Rouge.score(item.generation(), item.answer());
            recalls[k] = scores.rougeLRecall();
            ObjectNode values = NODES.objectNode();
            values.put("rouge1_recall", scores.rouge1Recall());
            values.put("rougeL_f1", scores.rougeLF1());
            values.put("rougeL_recall", scores.rougeLRecall());
            values.put("input", QaFormat.prompt(item.question()));
            values.put("ground_truth", item.answer());
            values.put("generation", item.generation());
            byIndex.set(key(item), values);
        }
        return LogEntries.perItem(LogEntries.mean(recalls), byIndex);
    }

    private static ObjectNode probAndLoss(double prob, double meanNll) {
        return NODES.objectNode().put("prob", prob).put("avg_loss", meanNll);
    }

    static String key(ItemScores item) {
        return Integer.toString(item.index());
    }

    private static boolean all(List<ItemScores> items, Predicate<ItemScores> has) {
        return items.stream().allMatch(has);
    }
}
