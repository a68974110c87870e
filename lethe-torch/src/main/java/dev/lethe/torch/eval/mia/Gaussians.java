package dev.lethe.torch.eval.mia;

/**
 * Per-example Gaussian fits for the likelihood-ratio attacks ({@link Lira}, {@link ULira}): for each
 * example, the mean of its φ values in one group of models, and a variance that is either the
 * example's own or, for few models, the variance pooled over every example (Carlini et al. 2022, §VI:
 * "fixed variance" is more reliable below ~64 shadow models). Small scalar arithmetic on arrays of
 * φ values — not tensor maths.
 */
final class Gaussians {

    /** The smallest variance allowed, so a constant φ does not give an infinite likelihood. */
    static final double MIN_VARIANCE = 1e-4;

    private Gaussians() {
    }

    /** Mean of the values; NaN when empty. */
    static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.length;
    }

    /** Unbiased variance of the values (0 when fewer than two). */
    static double variance(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double s = 0;
        for (double v : values) {
            s += (v - m) * (v - m);
        }
        return s / (values.length - 1);
    }

    /** The mean of the per-example variances that are defined (≥ 2 values), at least {@link #MIN_VARIANCE}. */
    static double pooledVariance(double[][] perExample) {
        double s = 0;
        int n = 0;
        for (double[] v : perExample) {
            if (v.length >= 2) {
                s += variance(v);
                n++;
            }
        }
        return Math.max(MIN_VARIANCE, n == 0 ? 1 : s / n);
    }

    /** log N(x; mean, variance). */
    static double logDensity(double x, double mean, double variance) {
        double d = x - mean;
        return -0.5 * (Math.log(2 * Math.PI * variance) + d * d / variance);
    }
}
