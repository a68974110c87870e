package dev.lethe.core.sisa;

import java.util.Locale;

/**
 * How a SISA ensemble turns its shard models' outputs into one prediction (Bourtoule et al. 2021,
 * §IV-E). Ties are broken deterministically so a prediction never depends on evaluation order.
 */
public enum Aggregation {

    /**
     * Each shard votes for its arg-max class; the class with most votes wins. A tie between classes
     * is broken by the larger mean probability, then by the smaller class index.
     */
    MAJORITY_VOTE,

    /** The arg-max of the mean of the shards' softmax probabilities; ties go to the smaller class index. */
    MEAN_SOFTMAX;

    public static Aggregation parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "vote", "majority", "majority-vote" -> MAJORITY_VOTE;
            case "softmax", "mean", "mean-softmax" -> MEAN_SOFTMAX;
            default -> throw new IllegalArgumentException("unknown aggregation '" + text + "': use vote or softmax");
        };
    }

    /**
     * The ensemble's class scores for one input: vote shares (majority vote) or mean probabilities.
     *
     * @param shardProbabilities {@code [shard][class]} softmax outputs
     */
    public float[] scores(float[][] shardProbabilities) {
        int classes = shardProbabilities[0].length;
        float[] mean = new float[classes];
        for (float[] p : shardProbabilities) {
            for (int c = 0; c < classes; c++) {
                mean[c] += p[c] / shardProbabilities.length;
            }
        }
        if (this == MEAN_SOFTMAX) {
            return mean;
        }
        float[] votes = new float[classes];
        for (float[] p : shardProbabilities) {
            votes[argMax(p)] += 1f / shardProbabilities.length;
        }
        return votes;
    }

    /** The predicted class for one input. */
    public int predict(float[][] shardProbabilities) {
        float[] scores = scores(shardProbabilities);
        if (this == MEAN_SOFTMAX) {
            return argMax(scores);
        }
        float[] mean = MEAN_SOFTMAX.scores(shardProbabilities);
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best] || (scores[c] == scores[best] && mean[c] > mean[best])) {
                best = c;
            }
        }
        return best;
    }

    /** Index of the largest value; the first one on ties. */
    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
