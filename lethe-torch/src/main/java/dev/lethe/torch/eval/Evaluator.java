package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.TaskMetrics;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

import java.util.function.BiConsumer;

/**
 * A model's metrics, per-record losses and outputs on a data set, in batches, with no gradient
 * tracking and no array left behind. Losses and metrics are the data's {@link Task}'s; the
 * probabilities, logits and {@link Evaluation} (confusion matrix) are the classification view.
 */
public final class Evaluator {

    /**
     * The most sequences of token data per forward pass, whatever the batch size: a language model's activations grow
     * with the sequence length squared (attention scores), so the classifier default of 1,024 records would be 617 TOFU
     * pairs of up to 640 tokens at once, which took 24 GB and was killed at the end of a 20-author {@code lm train}.
     */
    static final int MAX_SEQUENCES_PER_BATCH = 16;

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
        int classes = model.spec().numClasses();
        float[][] out = new float[data.size()][];
        forEachBatch(data, (batch, from) -> {
            NDArray z = model.forward(batch.features(), false);
            float[] values = (softmax ? z.softmax(1) : z).toFloatArray();
            for (int i = 0; i < batch.positions().length; i++) {
                out[from + i] = java.util.Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
            }
        });
        return out;
    }

    /** Each record's loss under the data's task, in record order (the score of loss-threshold membership inference). */
    public double[] perRecordLosses(ModelHandle model, TensorData data) {
        Task task = Tasks.of(data.records());
        double[] losses = new double[data.size()];
        forEachBatch(data, (batch, from) -> {
            float[] l = task.perRecordLoss(model, batch, false).toFloatArray();
            for (int i = 0; i < l.length; i++) {
                losses[from + i] = l[i];
            }
        });
        return losses;
    }

    /** The data's task's metrics (accuracy and loss; or token loss and perplexity). */
    public TaskMetrics metrics(ModelHandle model, TensorData data) {
        return tally(model, data, Tasks.of(data.records())).result();
    }

    /** Accuracy, mean loss, per-class accuracy and the confusion matrix: the classification view. */
    public Evaluation evaluate(ModelHandle model, TensorData data) {
        return ((ClassificationTask.Tally) tally(model, data, ClassificationTask.INSTANCE)).evaluation();
    }

    private Task.Tally tally(ModelHandle model, TensorData data, Task task) {
        Task.Tally tally = task.newTally(model, data.records());
        forEachBatch(data, (batch, from) -> tally.add(model.forward(batch.inputs(), false), batch));
        return tally;
    }

    /** Records per forward pass for {@code records}: the batch size, at most {@link #MAX_SEQUENCES_PER_BATCH} for token data. */
    int batchSize(RecordSet records) {
        return records.content() instanceof TokenSequences ? Math.min(batchSize, MAX_SEQUENCES_PER_BATCH) : batchSize;
    }

    /** Runs {@code body} on each batch of consecutive records, with the batch's first position; frees each batch's arrays after it. */
    private void forEachBatch(TensorData data, BiConsumer<Batch, Integer> body) {
        int n = data.size();
        int step = batchSize(data.records());
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                body.accept(data.range(from, to, scratch), from);
            }
        }
    }
}
