package dev.lethe.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ROC curve of a score that should be higher for positives (e.g. training members) than for
 * negatives: every threshold's (false-positive rate, true-positive rate), its AUC, and the true-positive
 * rate at a low false-positive rate — the figure Carlini et al. (2022) argue a membership attack
 * should be judged by, since an attack that is right about a few records with certainty matters more
 * than an average.
 */
public final class RocCurve {

    private final double[] fpr;
    private final double[] tpr;
    private final double auc;

    private RocCurve(double[] fpr, double[] tpr, double auc) {
        this.fpr = fpr;
        this.tpr = tpr;
        this.auc = auc;
    }

    public static RocCurve of(double[] positives, double[] negatives) {
        double auc = RocAuc.of(positives, negatives);
        double[] p = positives.clone();
        double[] n = negatives.clone();
        Arrays.sort(p);
        Arrays.sort(n);
        // thresholds from high to low: every distinct score
        double[] all = new double[p.length + n.length];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(n, 0, all, p.length, n.length);
        double[] thresholds = Arrays.stream(all).distinct().sorted().toArray();
        List<double[]> points = new ArrayList<>();
        points.add(new double[]{0, 0});
        for (int i = thresholds.length - 1; i >= 0; i--) {
            double t = thresholds[i];
            points.add(new double[]{countAtLeast(n, t) / (double) n.length, countAtLeast(p, t) / (double) p.length});
        }
        double[] f = new double[points.size()];
        double[] r = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            f[i] = points.get(i)[0];
            r[i] = points.get(i)[1];
        }
        return new RocCurve(f, r, auc);
    }

    /** How many of the sorted values are ≥ t. */
    private static int countAtLeast(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return sorted.length - lo;
    }

    public double auc() {
        return auc;
    }

    /** False-positive rates of the curve's points, from (0, 0) to (1, 1). */
    public double[] fpr() {
        return fpr.clone();
    }

    /** True-positive rates of the curve's points. */
    public double[] tpr() {
        return tpr.clone();
    }

    /** The highest true-positive rate among thresholds whose false-positive rate is at most {@code maxFpr}. */
    public double tprAtFpr(double maxFpr) {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] <= maxFpr) {
                best = Math.max(best, tpr[i]);
            }
        }
        return best;
    }
}
