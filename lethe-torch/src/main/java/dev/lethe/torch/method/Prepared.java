package dev.lethe.torch.method;

import dev.lethe.torch.model.ModelHandle;

/**
 * What a method computed once for one trained model, before any removal from it: the part of its
 * work that depends only on the model and its full training data, never on the forget set — SSD's
 * data importances {@code I_D}, certified removal's per-class Hessians. Both papers point out that
 * this part can be computed after training and stored (Foster et al. 2023, §3; Guo et al. 2020, §3),
 * so that a removal pays only for the forget set. It is made by
 * {@link UnlearningMethod#prepare} (at training time, or after each version switch) and handed to
 * {@link UnlearningMethod#unlearn} through {@link UnlearningContext#withPrepared}; a method that
 * finds none computes the same thing inline. The caller owns it and closes it (it holds tensors).
 */
public interface Prepared extends AutoCloseable {

    /** The id of the method that made it. */
    String method();

    /** The model it was computed for; it is refused for any other. */
    ModelHandle model();

    /** Frees its tensors. */
    @Override
    void close();
}
