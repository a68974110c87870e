package dev.lethe.core.lm.metrics;

/**
 * TOFU's truth ratio (Maini et al. 2024) as OpenUnlearning computes it ({@code truth_ratio} in
 * src/evals/metrics/memorization.py): {@code R = p_wrong / (p_correct + 1e-10)} with
 * {@code p_wrong = exp(-mean_j L_j)} over the perturbed answers' mean NLLs (a geometric mean of their
 * probabilities) and {@code p_correct = exp(-L_correct)} (the paraphrased answer on forget/retain, the
 * answer itself on real authors/world facts).
 *
 * <p>The epsilon matters: for a collapsed model ({@code p_correct ≪ 1e-10}) it changes R by orders of
 * magnitude, so it is kept exactly. The KS forget quality does not depend on the direction (R or 1/R).
 */
public final class TruthRatio {

    private static final double EPSILON = 1e-10;

    private TruthRatio() {
    }

    /** OpenUnlearning's per-item {@code R = exp(-mean(wrongMeanNlls)) / (exp(-correctMeanNll) + 1e-10)}. */
    public static double of(double correctMeanNll, double[] wrongMeanNlls) {
        return wrongProbability(wrongMeanNlls) / (AnswerProbability.fromMeanNll(correctMeanNll) + EPSILON);
    }

    /** The legacy locuslab/tofu value (aggregate_eval_stat.py), without the epsilon: {@code exp(L_correct - mean L_wrong)}. */
    public static double legacyTofu(double correctMeanNll, double[] wrongMeanNlls) {
        return Math.exp(correctMeanNll - mean(wrongMeanNlls));
    }

    /** OpenUnlearning's "extent of knowledge" variant ({@code prob_mean}): {@code p_correct / (p_correct + p_wrong + 1e-10)}. */
    public static double extentOfKnowledge(double correctMeanNll, double[] wrongMeanNlls) {
        double correct = AnswerProbability.fromMeanNll(correctMeanNll);
        return correct / (correct + wrongProbability(wrongMeanNlls) + EPSILON);
    }

    /** The forget-split aggregate ({@code closer_to_1_better}): {@code mean(min(R, 1/(R + 1e-10)))}; 1 = no preference. */
    public static double closerToOneBetter(double[] ratios) {
        requireItems(ratios);
        double sum = 0;
        for (double r : ratios) {
            sum += Math.min(r, 1 / (r + EPSILON));
        }
        return sum / ratios.length;
    }

    /** The retain / real-authors / world-facts aggregate ({@code true_better}): {@code mean(max(0, 1 - R))}. */
    public static double trueBetter(double[] ratios) {
        requireItems(ratios);
        double sum = 0;
        for (double r : ratios) {
            sum += Math.max(0, 1 - r);
        }
        return sum / ratios.length;
    }

    private static double wrongProbability(double[] wrongMeanNlls) {
        return AnswerProbability.fromMeanNll(mean(wrongMeanNlls));
    }

    private static double mean(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a truth ratio needs at least one perturbed (wrong) answer; got none");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static void requireItems(double[] ratios) {
        if (ratios.length == 0) {
            throw new IllegalArgumentException("a truth-ratio aggregate needs at least one item; got none");
        }
    }
}
