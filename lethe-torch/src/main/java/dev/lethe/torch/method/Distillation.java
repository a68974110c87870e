package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import dev.lethe.torch.model.ModelHandle;

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

    /**
     * {@code T² · mean_i KL(softmax(t_i/T) ‖ softmax(s_i/T))} — Hinton et al.'s distillation loss, as
     * SCRUB's {@code DistillKL} computes it ({@code T²} keeps gradient sizes comparable across T).
     */
    static NDArray kl(NDArray teacherLogits, NDArray studentLogits, float temperature) {
        NDArray logT = teacherLogits.div(temperature).logSoftmax(1);
        NDArray logS = studentLogits.div(temperature).logSoftmax(1);
        return logT.exp().mul(logT.sub(logS)).sum(new int[]{1}).mean().mul(temperature * temperature);
    }

    /** {@code log p(y_i | x_i)} per example: the log-softmax of the logits at each label, shape {@code [b]}. */
    static NDArray logLikelihood(NDArray logits, NDArray labels) {
        NDArray oneHot = labels.oneHot((int) logits.getShape().get(1));
        return logits.logSoftmax(1).mul(oneHot).sum(new int[]{1});
    }

    /** {@code log(1 + e^x)} computed stably as {@code max(x, 0) + log(1 + e^{−|x|})}. */
    static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }
}
