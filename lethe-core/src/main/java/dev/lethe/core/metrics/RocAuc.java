package dev.lethe.core.metrics;

import java.util.Arrays;

/**
 * Area under the ROC curve of a score that should be higher for positives than for negatives,
 * computed exactly as the Mann–Whitney U statistic: the probability that a random positive scores
 * above a random negative, ties counting one half. 0.5 = the score cannot tell them apart.
 */
public final class RocAuc {

    private RocAuc() {
    }

    public static double of(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            throw new IllegalArgumentException("AUC needs at least one positive and one negative score");
        }
        int n = positives.length + negatives.length;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        System.arraycopy(positives, 0, scores, 0, positives.length);
        System.arraycopy(negatives, 0, scores, positives.length, negatives.length);
        Arrays.fill(positive, 0, positives.length, true);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        // average ranks over ties, then U = sum of positive ranks - p(p+1)/2
        double rankSumPositives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositives += averageRank;
                }
            }
            i = j + 1;
        }
        double p = positives.length;
        return (rankSumPositives - p * (p + 1) / 2) / (p * negatives.length);
    }
}
