package dev.lethe.core.lm.metrics;

/**
 * The harmonic mean as {@code scipy.stats.hmean} computes it, and TOFU's model utility built from it
 * (OpenUnlearning {@code hm_aggregate}, src/evals/metrics/utility.py, configs/eval/tofu_metrics/model_utility.yaml).
 * A single 0 gives 0: a model that fails one of the nine utility measures has no utility.
 */
public final class HarmonicMean {

    /** The number of values in TOFU's model utility: probability, ROUGE-L recall and truth ratio on retain, real authors and world facts. */
    public static final int MODEL_UTILITY_PARTS = 9;

    private HarmonicMean() {
    }

    /** {@code n / Σ 1/x}, 0 when any value is 0; values must be non-negative. */
    public static double of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a harmonic mean needs at least one value; got none");
        }
        double reciprocalSum = 0;
        for (double v : values) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("a harmonic mean needs non-negative values; got " + v);
            }
            if (v == 0) {
                return 0;
            }
            reciprocalSum += 1 / v;
        }
        return values.length / reciprocalSum;
    }

    /** TOFU's model utility: the harmonic mean of exactly the nine values (in any order). */
    public static double modelUtility(double... nineValues) {
        if (nineValues.length != MODEL_UTILITY_PARTS) {
            throw new IllegalArgumentException("model utility is the harmonic mean of " + MODEL_UTILITY_PARTS
                    + " values (probability, ROUGE-L recall, truth ratio on retain, real authors, world facts); got "
                    + nineValues.length);
        }
        return of(nineValues);
    }
}
