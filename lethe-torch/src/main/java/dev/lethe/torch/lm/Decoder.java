package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;

/**
 * One model's side of step-by-step decoding: given the sequence so far, the logits of the token that follows it.
 * For a {@code gpt} with the cache on, the tokens the decoder has not seen yet (the prompt, then one token a step)
 * run through the network once, attention reading the earlier positions' keys and values from a {@link KvCache}; for
 * any other family, or without the cache, every call runs the whole sequence forward. Both give the same logits up to
 * floating-point summation order. {@link Generator} decodes one model with it; a SISA ensemble opens one per shard
 * and mixes their distributions.
 *
 * <p>The sequence must only grow between calls (the cache holds the positions already fed). Closing the decoder frees
 * the cache.
 */
public final class Decoder implements AutoCloseable {

    private final ModelHandle model;
    private final KvCache cache;

    private Decoder(ModelHandle model, KvCache cache) {
        this.model = model;
        this.cache = cache;
    }

    /** A decoder for {@code model}, with a KV cache when {@code useCache} and the model is a {@code gpt}. */
    public static Decoder open(ModelHandle model, boolean useCache) {
        // the cache keeps its arrays in its own sub-manager of the model's
        KvCache cache = useCache && model.block() instanceof GptNetwork gpt ? gpt.newCache(model.manager()) : null;
        return new Decoder(model, cache);
    }

    /**
     * The logits {@code [vocabulary]} after {@code sequence[0 .. length)}, created in {@code step} (close it when the step
     * ends). With the cache, {@code length} must not be below the length of the previous call.
     */
    public NDArray nextLogits(int[] sequence, int length, NDManager step) {
        if (cache == null) {
            NDArray ids = step.create(toLongs(sequence, 0, length), new Shape(1, length));
            return model.forward(ids, false).get(new NDIndex("0, -1"));
        }
        int from = cache.length();
        if (length <= from) {
            throw new IllegalStateException("the cache already holds " + from + " positions; a cached decoder's sequence must grow (got "
                    + length + ")");
        }
        NDArray ids = step.create(toLongs(sequence, from, length), new Shape(1, length - from));
        return ((GptNetwork) model.block()).forward(model.parameterStore(), ids, cache).get(new NDIndex("0, -1"));
    }

    private static long[] toLongs(int[] tokens, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = tokens[i];
        }
        return ids;
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
