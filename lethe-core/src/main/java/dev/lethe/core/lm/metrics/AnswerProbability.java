package dev.lethe.core.lm.metrics;

/**
 * The length-normalised answer probability of TOFU (Maini et al. 2024) as OpenUnlearning computes it
 * ({@code evaluate_probability} in src/evals/metrics/utils.py): {@code exp(-mean NLL)} over all labelled
 * answer tokens, the end-of-answer token included. Never a raw sequence probability, which would
 * punish long answers.
 */
public final class AnswerProbability {

    /** OpenUnlearning's epsilon in {@code probability_w_options}. */
    static final double EPSILON = 1e-10;

    private AnswerProbability() {
    }

    /** {@code exp(-mean(tokenNlls))}; an answer must have at least one token. */
    public static double of(double[] tokenNlls) {
        return fromMeanNll(meanNll(tokenNlls));
    }

    /** {@code exp(-meanNll)}. */
    public static double fromMeanNll(double meanNll) {
        return Math.exp(-meanNll);
    }

    /** The mean of per-token NLLs; fails on an empty answer, whose probability is undefined. */
    public static double meanNll(double[] tokenNlls) {
        if (tokenNlls.length == 0) {
            throw new IllegalArgumentException("an answer probability needs at least one answer token; got none");
        }
        double sum = 0;
        for (double v : tokenNlls) {
            sum += v;
        }
        return sum / tokenNlls.length;
    }

    /**
     * The normalised probability of real authors and world facts ({@code probability_w_options} in
     * src/evals/metrics/memorization.py): {@code p / (p + Σ p_wrong + 1e-10)}, each p length-normalised.
     *
     * @param correctMeanNll the correct answer's mean token NLL
     * @param wrongMeanNlls each wrong option's mean token NLL
     */
    public static double withOptions(double correctMeanNll, double[] wrongMeanNlls) {
        double correct = fromMeanNll(correctMeanNll);
        double wrong = 0;
        for (double nll : wrongMeanNlls) {
            wrong += fromMeanNll(nll);
        }
        return correct / (correct + wrong + EPSILON);
    }
}
