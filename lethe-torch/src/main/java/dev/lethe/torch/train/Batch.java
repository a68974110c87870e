package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * One mini-batch as an {@link Objective} or a {@link dev.lethe.torch.task.Task} sees it.
 *
 * @param inputs the model's inputs, batch axis first: {@code [b, ...shape]} float32 features for a
 *               classifier, {@code [b, T]} int64 token ids for a language model
 * @param targets what the model should predict: int64 labels {@code [b]}, or int64 next tokens {@code [b, T]}
 * @param mask per-position loss weights {@code [b, T]} (1 = counts, 0 = padding or left out of the loss);
 *             {@code null} for classification, where every record counts once
 * @param positions the rows of the data in this batch
 * @param step the global step counter (0-based) of the update this batch feeds
 * @param epoch the epoch (0-based) within the current run
 * @param manager the per-batch manager: arrays attached to it are freed after the step
 */
public record Batch(NDList inputs, NDList targets, NDArray mask, int[] positions, long step, int epoch, NDManager manager) {

    /** The single input array: the classification view ({@code [b, ...shape]} features). */
    public NDArray features() {
        return inputs.singletonOrThrow();
    }

    /** The single target array: the classification view ({@code [b]} int64 labels). */
    public NDArray labels() {
        return targets.singletonOrThrow();
    }
}
