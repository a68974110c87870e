package dev.lethe.core.lm.metrics;

import java.util.Arrays;

/**
 * Exact memorisation (Tirumala et al. 2022) and extraction strength (Carlini et al. 2021) as
 * OpenUnlearning computes them ({@code exact_memorization}, {@code extraction_strength} in
 * src/evals/metrics/memorization.py), from the labels and the teacher-forced argmax at each answer
 * position. OpenUnlearning's token-wise log-probs drop the last labelled position (the end-of-answer
 * token); use {@link #dropFinalToken} on Lethe's per-position arrays, which include it.
 */
public final class Memorization {

    private Memorization() {
    }

    /** The per-position array without its last position (the end-of-answer token). */
    public static int[] dropFinalToken(int[] tokens) {
        return tokens.length == 0 ? tokens : Arrays.copyOf(tokens, tokens.length - 1);
    }

    /** The per-position array without its last position (the end-of-answer token). */
    public static double[] dropFinalToken(double[] values) {
        return values.length == 0 ? values : Arrays.copyOf(values, values.length - 1);
    }

    /** The fraction of positions whose argmax equals the label; {@code null} when there is no position (OU drops it from the mean). */
    public static Double exactMemorization(int[] labels, int[] argmax) {
        requireSameLength(labels, argmax);
        if (labels.length == 0) {
            return null;
        }
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == argmax[i]) {
                hits++;
            }
        }
        return hits / (double) labels.length;
    }

    /**
     * OpenUnlearning's extraction strength: {@code 1 − k/n} for the first k from which the argmax suffix
     * equals the label suffix. When no suffix matches, OU's loop ends with {@code k = n − 1}, giving
     * {@code 1/n} rather than the paper's 0; this quirk is kept so that numbers compare. 0 when n = 0.
     */
    public static double extractionStrength(int[] labels, int[] argmax) {
        requireSameLength(labels, argmax);
        int n = labels.length;
        if (n == 0) {
            return 0;
        }
        int k = firstMatchingSuffix(labels, argmax);
        return 1 - (k < 0 ? n - 1 : k) / (double) n;
    }

    /** The paper's extraction strength: as {@link #extractionStrength} but 0 when no suffix matches. */
    public static double extractionStrengthStrict(int[] labels, int[] argmax) {
        requireSameLength(labels, argmax);
        int k = firstMatchingSuffix(labels, argmax);
        return labels.length == 0 || k < 0 ? 0 : 1 - k / (double) labels.length;
    }

    /** The first k with argmax[k:] == labels[k:], or −1 when none (an empty suffix is not tried, as in OU). */
    private static int firstMatchingSuffix(int[] labels, int[] argmax) {
        int k = labels.length;
        while (k > 0 && labels[k - 1] == argmax[k - 1]) {
            k--;
        }
        return k < labels.length ? k : -1;
    }

    private static void requireSameLength(int[] labels, int[] argmax) {
        if (labels.length != argmax.length) {
            throw new IllegalArgumentException("labels and argmax predictions must have one value per position; got "
                    + labels.length + " labels and " + argmax.length + " predictions");
        }
    }
}
