package dev.lethe.core.metrics;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs, and the accuracies derived from them.
 * {@code count(t, p)} is how many records of true class {@code t} were predicted as {@code p}.
 */
public final class ConfusionMatrix {

    private final long[][] counts;

    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("need at least one class, got " + numClasses);
        }
        this.counts = new long[numClasses][numClasses];
    }

    /** Records one prediction. */
    public void add(int trueClass, int predictedClass) {
        counts[trueClass][predictedClass]++;
    }

    /** Records a batch of predictions. */
    public void addAll(int[] trueClasses, int[] predictedClasses) {
        if (trueClasses.length != predictedClasses.length) {
            throw new IllegalArgumentException("label and prediction counts differ: " + trueClasses.length + " vs " + predictedClasses.length);
        }
        for (int i = 0; i < trueClasses.length; i++) {
            add(trueClasses[i], predictedClasses[i]);
        }
    }

    public int numClasses() {
        return counts.length;
    }

    public long count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    /** A copy of the counts, rows = true class, columns = predicted class. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long total() {
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
    }

    public long correct() {
        long c = 0;
        for (int i = 0; i < counts.length; i++) {
            c += counts[i][i];
        }
        return c;
    }

    /** Share of correct predictions; NaN when empty. */
    public double accuracy() {
        long total = total();
        return total == 0 ? Double.NaN : (double) correct() / total;
    }

    /** Per-class accuracy (recall): correct / records of that class; NaN for a class with no records. */
    public double[] perClassAccuracy() {
        double[] acc = new double[counts.length];
        for (int t = 0; t < counts.length; t++) {
            long rowTotal = Arrays.stream(counts[t]).sum();
            acc[t] = rowTotal == 0 ? Double.NaN : (double) counts[t][t] / rowTotal;
        }
        return acc;
    }
}
