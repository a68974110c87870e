package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One mini-batch as an {@link Objective} sees it.
 *
 * @param features inputs {@code [b, ...shape]}
 * @param labels int64 labels {@code [b]}
 * @param positions the rows of the training data in this batch
 * @param step the global step counter (0-based) of the update this batch feeds
 * @param epoch the epoch (0-based) within the current run
 * @param manager the per-batch manager: arrays attached to it are freed after the step
 */
public record Batch(NDArray features, NDArray labels, int[] positions, long step, int epoch, NDManager manager) {
}
