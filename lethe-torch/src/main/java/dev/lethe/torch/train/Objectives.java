package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import dev.lethe.torch.task.ClassificationTask;

/**
 * The standard objectives and ways to combine them. The losses themselves belong to the
 * {@link dev.lethe.torch.task.Task}s; the cross-entropy helpers here are the classification task's,
 * for the methods that combine them with terms of their own.
 */
public final class Objectives {

    private Objectives() {
    }

    /** Mean softmax cross-entropy of the logits against the batch labels: the classification task's training objective. */
    public static Objective crossEntropy() {
        return ClassificationTask.INSTANCE.objective();
    }

    /** Mean softmax cross-entropy of {@code logits} against int64 {@code labels}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return ClassificationTask.crossEntropy(logits, labels);
    }

    /** Per-record negative log-likelihood of the true labels, {@code [b]} (the unreduced cross-entropy). */
    public static NDArray perRecordCrossEntropy(NDArray logits, NDArray labels) {
        return ClassificationTask.perRecordCrossEntropy(logits, labels);
    }

    /** {@code -objective}: minimising it is gradient ascent on the original loss. */
    public static Objective negate(Objective objective) {
        return (model, batch) -> objective.loss(model, batch).neg();
    }
}
