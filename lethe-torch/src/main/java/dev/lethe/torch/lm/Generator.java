package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Continues a prompt with a language model, greedy or sampled (temperature, top-k), on any family that
 * maps token ids {@code [b, T]} to logits {@code [b, T, vocabulary]}.
 *
 * <p>Two paths give the same tokens: for a {@code gpt} with {@link GenerationConfig#useCache()}, the
 * prompt runs once and each later step feeds only the newest token, attention reading the keys and values
 * of earlier positions from a {@link KvCache}; for any other family (or without the cache) each step runs
 * the whole sequence forward and reads the last position's logits.
 *
 * <p>Sampling: each step draws one uniform number from a generator seeded with
 * {@code Seeds.derive(seed, "generate")} and picks the token where the cumulative probability of the
 * candidates (all tokens, or the {@code topK} most likely, in order of decreasing probability, ties by id)
 * passes it, so a seed always gives the same text. Every step's arrays live in a sub-manager closed
 * when the step ends.
 */
public final class Generator {

    private Generator() {
    }

    /**
     * The tokens that follow {@code prompt} (the stop token excluded), at most
     * {@code config.maxNewTokens()}, and for a {@code gpt} no more than fill its context. A prompt that
     * leaves no room for one new token fails with an {@link IllegalArgumentException} that says the lengths.
     */
    public static int[] generate(ModelHandle model, int[] prompt, GenerationConfig config) {
        int vocabulary = TokenDraw.checkPrompt(model.spec(), prompt);
        int room = Integer.MAX_VALUE;
        if (GptFamily.isGpt(model.spec())) {
            int context = GptFamily.shape(model.spec()).context();
            if (prompt.length + 1 > context) {
                throw new IllegalArgumentException("the prompt is " + prompt.length + " tokens; with one generated token that makes "
                        + (prompt.length + 1) + ", more than the model's context of " + context + " tokens: shorten the prompt to at most "
                        + (context - 1) + " tokens");
            }
            room = context - prompt.length;
        }
        int limit = Math.min(config.maxNewTokens(), room);
        SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), "generate"));
        int[] sequence = Arrays.copyOf(prompt, prompt.length + limit);
        int length = prompt.length;
        boolean cached = config.useCache() && model.block() instanceof GptNetwork;
        try (NDManager manager = model.manager().newSubManager();
             KvCache cache = cached ? ((GptNetwork) model.block()).newCache(manager) : null) {
            while (length - prompt.length < limit) {
                int next;
                try (NDManager step = manager.newSubManager()) {
                    NDArray logits = cached ? cachedLogits(model, cache, sequence, length, step) : fullLogits(model, sequence, length, step);
                    next = pick(logits, config, random);
                }
                if (next == config.stopToken()) {
                    break;
                }
                sequence[length++] = next;
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    /** The last position's logits {@code [vocabulary]} after a forward pass over the whole sequence. */
    private static NDArray fullLogits(ModelHandle model, int[] sequence, int length, NDManager step) {
        NDArray ids = step.create(toLongs(sequence, 0, length), new Shape(1, length));
        return model.forward(ids, false).get(new NDIndex("0, -1"));
    }

    /** The last position's logits after feeding the tokens the cache has not seen yet (the prompt, then one token a step). */
    private static NDArray cachedLogits(ModelHandle model, KvCache cache, int[] sequence, int length, NDManager step) {
        int from = cache.length();
        NDArray ids = step.create(toLongs(sequence, from, length), new Shape(1, length - from));
        NDArray logits = ((GptNetwork) model.block()).forward(model.parameterStore(), ids, cache);
        return logits.get(new NDIndex("0, -1"));
    }

    private static int pick(NDArray logits, GenerationConfig config, SplittableRandom random) {
        if (!config.sampled()) {
            return (int) logits.argMax().getLong();
        }
        return TokenDraw.sample(logits.div(config.temperature()).softmax(0).toFloatArray(), config.topK(), random);
    }


    private static long[] toLongs(int[] tokens, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = tokens[i];
        }
        return ids;
    }
}
