package dev.lethe.torch.eval.metric;

import java.util.Arrays;

/**
 * A curve for a report's plots, e.g. a ROC curve (x = false-positive rate, y = true-positive rate).
 *
 * @param x abscissae, in plotting order
 * @param y ordinates, one per abscissa
 */
public record Curve(double[] x, double[] y) {

    public Curve {
        if (x.length != y.length) {
            throw new IllegalArgumentException("a curve needs as many x as y values, got " + x.length + " and " + y.length);
        }
        x = x.clone();
        y = y.clone();
    }

    /** At most {@code max} points, evenly spaced along the curve, always keeping the first and the last (reports stay small). */
    public Curve thinned(int max) {
        int n = x.length;
        if (n <= max) {
            return this;
        }
        double[] tx = new double[max];
        double[] ty = new double[max];
        for (int k = 0; k < max; k++) {
            int i = (int) Math.round(k * (n - 1) / (double) (max - 1));
            tx[k] = x[i];
            ty[k] = y[i];
        }
        return new Curve(tx, ty);
    }

    /** Curves are equal when their points are (records compare arrays by identity otherwise). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Curve c && Arrays.equals(x, c.x) && Arrays.equals(y, c.y);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "Curve[" + x.length + " points]";
    }
}
