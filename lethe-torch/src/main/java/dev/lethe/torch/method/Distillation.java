package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Batch;

/**
 * What the methods that compare against the original model share: a frozen copy of it (a teacher or
 * reference whose forward passes build no graph and whose gradients stay untouched), the KL divergence
 * between two models' softened outputs, and per-example log-likelihoods.
 */
final class Distillation {

    private Distillation() {
    }

    /** A copy of {@code original} whose parameters take no gradient (the caller closes it). */
    static ModelHandle frozenCopy(ModelHandle original) {
        ModelHandle copy = original.copy();
        copy.block().freezeParameters(true);
        return copy;
    }

    /** The frozen model's logits for {@code inputs}, cut off from the gradient graph. */
    static NDArray logits(ModelHandle frozen, NDArray inputs) {
        return frozen.forward(inputs, false).stopGradient();
    }

    /** The frozen model's outputs for {@code inputs} (any task), cut off from the gradient graph. */
    static NDList outputs(ModelHandle frozen, NDList inputs) {
        return new NDList(logits(frozen, inputs.singletonOrThrow()));
    }

    /**
     * {@code T² · mean_i KL(softmax(t_i/T) ‖ softmax(s_i/T))} — Hinton et al.'s distillation loss, as
     * SCRUB's {@code DistillKL} computes it ({@code T²} keeps gradient sizes comparable across T).
     */
    static NDArray kl(NDArray teacherLogits, NDArray studentLogits, float temperature) {
        return Scalars.mul(positionKl(Scalars.div(teacherLogits, temperature), Scalars.div(studentLogits, temperature)).mean(), temperature * temperature);
    }

    /**
     * {@code KL(p_teacher ‖ p_student)} of two models' outputs on {@code batch}, for any task: over the
     * classes of a classifier, or over the vocabulary at each position of a language model, averaged over
     * the counted positions as the task's loss is ({@link CountedPositions#batchMean}).
     */
    static NDArray kl(NDList teacherOutputs, NDList studentOutputs, Batch batch) {
        return CountedPositions.batchMean(positionKl(teacherOutputs.singletonOrThrow(), studentOutputs.singletonOrThrow()), batch);
    }

    /** {@code KL(softmax(t) ‖ softmax(s))} over the last axis (classes or vocabulary): {@code [b]} or {@code [b, T]}. */
    private static NDArray positionKl(NDArray teacherLogits, NDArray studentLogits) {
        NDArray logT = teacherLogits.logSoftmax(-1);
        NDArray logS = studentLogits.logSoftmax(-1);
        return logT.exp().mul(logT.sub(logS)).sum(new int[]{-1});
    }

    /** {@code log(1 + e^x)} computed stably as {@code max(x, 0) + log(1 + e^{−|x|})}. */
    static NDArray softplus(NDArray x) {
        return Scalars.maximum(x, 0f).add(x.abs().neg().exp().add(1f).log());
    }
}
