package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.lethe.core.metrics.ConfusionMatrix;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;

/**
 * Accuracy, mean loss, per-class accuracy and the confusion matrix of a model on a data set, in
 * batches, with no gradient tracking and no array left behind.
 */
public final class Evaluator {

    private final int batchSize;

    public Evaluator(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public Evaluator() {
        this(1024);
    }

    /** Each record's softmax probabilities {@code [record][class]}, in record order. */
    public float[][] probabilities(ModelHandle model, TensorData data) {
        return outputs(model, data, true);
    }

    /**
     * Each record's raw logits {@code [record][class]}, in record order (what the LiRA attacks scale into
     * φ = z_y − log Σ_{j≠y} exp z_j, which stays exact where a float softmax rounds p_y to 1).
     */
    public float[][] logits(ModelHandle model, TensorData data) {
        return outputs(model, data, false);
    }

    private float[][] outputs(ModelHandle model, TensorData data, boolean softmax) {
        int n = data.size();
        int classes = model.spec().numClasses();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                NDArray x = data.features().get(from + ":" + to);
                x.attach(scratch);
                NDArray z = model.forward(x, false);
                float[] values = (softmax ? z.softmax(1) : z).toFloatArray();
                for (int i = 0; i < to - from; i++) {
                    out[from + i] = java.util.Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
                }
            }
        }
        return out;
    }

    /** Each record's cross-entropy loss, in record order (the score of loss-threshold membership inference). */
    public double[] perRecordLosses(ModelHandle model, TensorData data) {
        int n = data.size();
        double[] losses = new double[n];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                NDArray x = data.features().get(from + ":" + to);
                NDArray y = data.labels().get(from + ":" + to);
                x.attach(scratch);
                y.attach(scratch);
                float[] l = Objectives.perRecordCrossEntropy(model.forward(x, false), y).toFloatArray();
                for (int i = 0; i < l.length; i++) {
                    losses[from + i] = l[i];
                }
            }
        }
        return losses;
    }

    public Evaluation evaluate(ModelHandle model, TensorData data) {
        int n = data.size();
        int numClasses = model.spec().numClasses();
        ConfusionMatrix confusion = new ConfusionMatrix(numClasses);
        double lossSum = 0;
        int[] labels = data.records().labels();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                NDArray x = data.features().get(from + ":" + to);
                NDArray y = data.labels().get(from + ":" + to);
                x.attach(scratch);
                y.attach(scratch);
                NDArray logits = model.forward(x, false);
                lossSum += Objectives.crossEntropy(logits, y).getFloat() * (to - from);
                long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    confusion.add(labels[from + i], (int) predicted[i]);
                }
            }
        }
        return new Evaluation(data.records().name(), n, n == 0 ? Double.NaN : lossSum / n, confusion, data.records().classNames());
    }
}
