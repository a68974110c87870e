package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The additive causal attention mask {@code [queries, keys]}: 0 where query i may see key j (the key's
 * position is not after the query's) and -1e9 where it may not. The queries are the last positions of
 * the keys, so with a KV cache ({@code keys > queries}) query i sits at position {@code keys − queries + i}.
 *
 * <p>The NDArray API has no {@code tril}, so the mask is written on the host (../shared/lm-probe.md). One
 * instance serves all blocks of one network: it keeps the last mask it made, in the manager of the batch
 * that asked for it (never the model's, where it would outlive the batch), and hands it out again while
 * the same batch asks for the same size, so a forward pass through L blocks builds it once.
 */
final class CausalMask {

    /** The additive logit for a hidden key: softmax turns it into an exact 0, as PyTorch's reference does with -1e9. */
    private static final float HIDDEN = -1e9f;

    private NDManager lastManager;
    private NDArray last;

    /** The mask for {@code queries} queries over {@code keys} keys, in {@code manager}. */
    synchronized NDArray of(NDManager manager, int queries, int keys) {
        if (last != null && lastManager == manager && !last.isReleased()
                && last.getShape().get(0) == queries && last.getShape().get(1) == keys) {
            return last;
        }
        int offset = keys - queries;
        float[] values = new float[queries * keys];
        for (int i = 0; i < queries; i++) {
            for (int j = offset + i + 1; j < keys; j++) {
                values[i * keys + j] = HIDDEN;
            }
        }
        last = manager.create(values, new Shape(queries, keys));
        lastManager = manager;
        return last;
    }
}
