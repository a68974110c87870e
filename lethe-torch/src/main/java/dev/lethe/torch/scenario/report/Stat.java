package dev.lethe.torch.scenario.report;

/**
 * Mean and sample standard deviation of one figure over the seeds:
 * {@code mean = Σx/n}, {@code std = √(Σ(x − mean)² / (n − 1))} (0 for a single seed).
 *
 * @param mean the mean
 * @param std the sample standard deviation
 * @param n how many seeds had the figure
 */
public record Stat(double mean, double std, int n) {

    /** The statistics of {@code values} (at least one). */
    public static Stat of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Stat(mean, values.length < 2 ? 0 : Math.sqrt(squares / (values.length - 1)), values.length);
    }
}
