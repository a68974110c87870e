package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import dev.lethe.torch.model.ModelHandle;

/**
 * The loss that {@link TrainLoop} minimises, one scalar per batch.
 *
 * <p>Pluggable so that unlearning methods reuse the one training loop: gradient ascent minimises the
 * negated cross-entropy on the forget set; gradient difference adds a descent term on retain data
 * that it gathers itself (through {@link Batch#manager()}), and so on. An objective must create its
 * arrays in the batch's manager (or from arrays in it) so nothing outlives the step.
 */
@FunctionalInterface
public interface Objective {

    /** The scalar loss of {@code model} on {@code batch}; {@link TrainLoop} differentiates it. */
    NDArray loss(ModelHandle model, Batch batch);
}
