package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;

/**
 * Averages and sums over the positions of a batch that count, the same way for a classifier and a
 * language model, so a method that adds a term of its own (a KL to a reference, an activation
 * distance, a sequence likelihood) is written once. A classifier's batch has no mask: each record is
 * one counted position. A language model's batch has a mask {@code [b, T]} ({@link Batch#mask()}): a
 * record's value is the mean over its counted positions, as the next-token task's loss is, so a long
 * record weighs as much as a short one; the batch's value is the mean over its records.
 */
final class CountedPositions {

    private CountedPositions() {
    }

    /**
     * The batch mean of {@code values}: {@code [b, ...]} for a classifier (the mean of every element, the
     * form Lethe's classifier methods always used), {@code [b, T, ...]} for a language model (per position
     * the mean over the trailing axes, then per record the mean over its counted positions, then the mean
     * over records).
     */
    static NDArray batchMean(NDArray values, Batch batch) {
        if (batch.mask() == null) {
            return values.mean();
        }
        NDArray perPosition = values;
        while (perPosition.getShape().dimension() > 2) {
            perPosition = perPosition.mean(new int[]{-1});
        }
        NDArray mask = batch.mask();
        return perPosition.mul(mask).sum(new int[]{1}).div(Scalars.maximum(mask.sum(new int[]{1}), 1f)).mean();
    }

    /**
     * Each record's log-likelihood of its counted targets, {@code log π(y|x)}, shape {@code [b]}: minus the
     * task's per-record loss times the number of counted targets, i.e. the sum of the token log-probabilities
     * of a sequence (OpenUnlearning's {@code compute_batch_nll}), and the log-probability of the label for a
     * classifier.
     */
    static NDArray logLikelihood(Task task, NDList outputs, Batch batch) {
        NDArray meanLoss = task.perRecordLoss(outputs, batch);
        if (batch.mask() == null) {
            return meanLoss.neg();
        }
        return meanLoss.mul(batch.mask().sum(new int[]{1})).neg();
    }
}
