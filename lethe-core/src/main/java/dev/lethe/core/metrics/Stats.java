package dev.lethe.core.metrics;

import java.util.Arrays;

/** Summary statistics for benchmark figures. */
public final class Stats {

    private Stats() {
    }

    /** The median (mean of the middle two for an even count); NaN when empty. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
