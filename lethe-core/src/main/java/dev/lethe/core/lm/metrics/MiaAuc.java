package dev.lethe.core.lm.metrics;

import dev.lethe.core.metrics.RocAuc;

import java.util.ArrayList;
import java.util.List;

/**
 * The membership-inference AUC and PrivLeak of OpenUnlearning (src/evals/metrics/mia/utils.py
 * {@code mia_auc}, src/evals/metrics/privacy.py {@code privleak}; PrivLeak from MUSE, Shi et al. 2024).
 * The AUC is sklearn's {@code roc_auc_score} with label 0 for forget items and 1 for holdout items on
 * a loss-like score, ties counting one half: AUC → 1 means the forget set still looks memorised.
 */
public final class MiaAuc {

    private static final double EPSILON = 1e-10;

    private MiaAuc() {
    }

    /** The AUC of loss-like scores, forget = negatives, holdout = positives. */
    public static double of(double[] forgetScores, double[] holdoutScores) {
        if (forgetScores.length == 0 || holdoutScores.length == 0) {
            throw new IllegalArgumentException("a MIA AUC needs forget and holdout scores; got " + forgetScores.length
                    + " forget and " + holdoutScores.length + " holdout");
        }
        return RocAuc.of(holdoutScores, forgetScores);
    }

    /** sklearn's {@code roc_auc_score(labels, scores)} for 0/1 labels (1 = positive). */
    public static double auc(int[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException("one label per score is needed; got " + labels.length + " labels and "
                    + scores.length + " scores");
        }
        List<Double> negatives = new ArrayList<>();
        List<Double> positives = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1; got " + labels[i] + " at " + i);
            }
            (labels[i] == 1 ? positives : negatives).add(scores[i]);
        }
        return of(negatives.stream().mapToDouble(Double::doubleValue).toArray(),
                positives.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * PrivLeak from AUCs in OpenUnlearning's convention:
     * {@code ((1 − AUC_unl) − (1 − AUC_ret)) / ((1 − AUC_ret) + 1e-10) × 100}. About −100: under-unlearned;
     * 0: like the retain model; positive: over-unlearned (the Streisand effect).
     */
    public static double privLeak(double aucUnlearned, double aucRetain) {
        return privLeakFromOneMinusAuc(1 - aucUnlearned, 1 - aucRetain);
    }

    /** PrivLeak from values already given as {@code 1 − AUC} (the MUSE paper's convention): {@code (s − r) / (r + 1e-10) × 100}. */
    public static double privLeakFromOneMinusAuc(double unlearned, double retain) {
        return (unlearned - retain) / (retain + EPSILON) * 100;
    }
}
