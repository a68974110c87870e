package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.loss.Loss;

/** The standard objectives and ways to combine them. */
public final class Objectives {

    private static final Loss CROSS_ENTROPY = Loss.softmaxCrossEntropyLoss();

    private Objectives() {
    }

    /** Mean softmax cross-entropy of the logits against the batch labels: the ordinary training loss. */
    public static Objective crossEntropy() {
        return (model, batch) -> crossEntropy(model.forward(batch.features(), true), batch.labels());
    }

    /** Mean softmax cross-entropy of {@code logits} against int64 {@code labels}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return CROSS_ENTROPY.evaluate(new ai.djl.ndarray.NDList(labels), new ai.djl.ndarray.NDList(logits));
    }

    /** Per-record negative log-likelihood of the true labels, {@code [b]} (the unreduced cross-entropy). */
    public static NDArray perRecordCrossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).get(new ai.djl.ndarray.index.NDIndex().addAllDim(1).addPickDim(labels)).neg().reshape(-1);
    }

    /** {@code -objective}: minimising it is gradient ascent on the original loss. */
    public static Objective negate(Objective objective) {
        return (model, batch) -> objective.loss(model, batch).neg();
    }

    /** {@code weight × objective}. */
    public static Objective scaled(Objective objective, float weight) {
        return (model, batch) -> objective.loss(model, batch).mul(weight);
    }
}
