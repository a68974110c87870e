package dev.lethe.core.data.encoding;

import dev.lethe.core.data.RecordSet;

/**
 * Per-feature z-scores, {@code (x − mean) / σ} with the population standard deviation, fitted on one set of records and
 * applied to others (scikit-learn's {@code StandardScaler}): a constant feature (σ = 0) becomes 0.
 *
 * <p>Why a user's own table needs it: an MLP on raw columns of very different ranges (an image-segmentation table: pixel
 * counts and centroids up to 250 beside densities near 0.01) trains to logits tens of nats wide and to gradients
 * dominated by the widest columns, and methods whose constants are in nats or input units (UNDIAL's β, AMUN's radius, an
 * ascent's loss ceiling) then act far from where they were measured (docs/BENCHMARKS.md, "Eighth round").
 *
 * @param means each feature's mean over the records fitted on
 * @param deviations each feature's population standard deviation over them
 */
public record Standardisation(double[] means, double[] deviations) {

    public Standardisation {
        if (means.length != deviations.length) {
            throw new IllegalArgumentException("a standardisation needs one deviation per mean: " + means.length + " means, "
                    + deviations.length + " deviations");
        }
        means = means.clone();
        deviations = deviations.clone();
    }

    /** The means and deviations of every feature of {@code set} (features flattened, one per position). */
    public static Standardisation fit(RecordSet set) {
        int n = set.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardise on an empty set (" + set.name() + ")");
        }
        int width = set.featureSize();
        float[] in = set.featuresView();
        double[] means = new double[width];
        double[] deviations = new double[width];
        for (int f = 0; f < width; f++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += in[i * width + f];
            }
            double mean = sum / n;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double d = in[i * width + f] - mean;
                squares += d * d;
            }
            means[f] = mean;
            deviations[f] = Math.sqrt(squares / n);
        }
        return new Standardisation(means, deviations);
    }

    /** {@code set} with every feature z-scored by this fit; ids, subjects, labels and shape unchanged. */
    public RecordSet apply(RecordSet set) {
        int width = means.length;
        if (set.featureSize() != width) {
            throw new IllegalArgumentException(set.name() + " has " + set.featureSize() + " features; the standardisation was fitted on "
                    + width);
        }
        float[] in = set.featuresView();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            int f = i % width;
            out[i] = deviations[f] > 0 ? (float) ((in[i] - means[f]) / deviations[f]) : 0f;
        }
        return set.withFeatures(set.name(), out, set.featureShape());
    }

    /** {@code 1/σ} per feature, 0 for a constant one: the scale of an {@link InputEncoding} column that encodes as the fit does. */
    double scale(int feature) {
        return deviations[feature] > 0 ? 1 / deviations[feature] : 0;
    }
}
