package dev.lethe.torch.eval.metric;

/** Accuracy and per-record loss from class probabilities: the figures the metrics on a {@link Classifier} are built on. */
public final class Outputs {

    private static final double TINY = 1e-30;

    private Outputs() {
    }

    /** The class with the highest probability (the first on ties). */
    public static int predicted(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Cross-entropy −log p_y of each record. */
    public static double[] losses(float[][] probabilities, int[] labels) {
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -Math.log(Math.max(probabilities[i][labels[i]], TINY));
        }
        return out;
    }
}
