package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.lethe.torch.runtime.Scalars;

/**
 * One pre-LN transformer block of a {@link GptNetwork} (GPT-2, Radford et al. 2019), on {@code [b, T, d]}:
 * <pre>
 *   x ← x + W_o · softmax(Q·Kᵀ / √(d/h) + causal mask) · V      with [Q K V] = W_qkv · LN₁(x), split into h heads
 *   x ← x + W₂ · GELU(W₁ · LN₂(x))                               W₁: d → 4d, W₂: 4d → d
 * </pre>
 * No dropout. The attention is plain NDArray ops (reshape, transpose, matMul, softmax); the mask hides
 * later positions, so a position's output never depends on tokens after it, which also makes right
 * padding harmless.
 */
final class GptBlock extends AbstractBlock {

    private final int width;
    private final int heads;
    private final CausalMask mask;
    private final Block norm1;
    private final Block qkv;
    private final Block projection;
    private final Block norm2;
    private final Block expand;
    private final Block contract;

    GptBlock(int width, int heads, CausalMask mask) {
        this.width = width;
        this.heads = heads;
        this.mask = mask;
        this.norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
        this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
        this.projection = addChildBlock("projection", Linear.builder().setUnits(width).build());
        this.norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        this.expand = addChildBlock("expand", Linear.builder().setUnits(4L * width).build());
        this.contract = addChildBlock("contract", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(store, inputs.singletonOrThrow(), null, training));
    }

    /**
     * The block on {@code x} {@code [b, T, d]}. With a {@code cache} layer, the keys and values of
     * {@code x} are appended to those cached for earlier positions and attention runs over all of them.
     */
    NDArray forward(ParameterStore store, NDArray x, KvCache.Layer cache, boolean training) {
        NDArray attended = attention(store, apply(norm1, store, x, training), cache, training);
        NDArray h = x.add(apply(projection, store, attended, training));
        NDArray hidden = Activation.gelu(apply(expand, store, apply(norm2, store, h, training), training));
        return h.add(apply(contract, store, hidden, training));
    }

    private NDArray attention(ParameterStore store, NDArray normed, KvCache.Layer cache, boolean training) {
        Shape shape = normed.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        int headWidth = width / heads;
        // [b, T, 3d] → [b, T, 3, h, d/h] → [3, b, h, T, d/h]
        NDArray split = apply(qkv, store, normed, training).reshape(b, t, 3, heads, headWidth).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        if (cache != null) {
            NDList kv = cache.append(k, v);
            k = kv.get(0);
            v = kv.get(1);
        }
        int keys = (int) k.getShape().get(2);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(headWidth));
        if (t > 1) {
            scores = scores.add(mask.of(normed.getManager(), (int) t, keys));
        }
        // [b, h, T, d/h] → [b, T, h, d/h] → [b, T, d]
        return scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, width);
    }

    private static NDArray apply(Block block, ParameterStore store, NDArray x, boolean training) {
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape wide = new Shape(x.get(0), x.get(1), 4L * width);
        norm1.initialize(manager, dataType, x);
        qkv.initialize(manager, dataType, x);
        projection.initialize(manager, dataType, x);
        norm2.initialize(manager, dataType, x);
        expand.initialize(manager, dataType, x);
        contract.initialize(manager, dataType, wide);
    }
}
