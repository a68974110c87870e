package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;

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
        try (Decoder decoder = Decoder.open(model, config.useCache()); NDManager manager = model.manager().newSubManager()) {
            while (length - prompt.length < limit) {
                int next;
                try (NDManager step = manager.newSubManager()) {
                    next = pick(decoder.nextLogits(sequence, length, step), config, random);
                }
                if (next == config.stopToken()) {
                    break;
                }
                sequence[length++] = next;
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    private static int pick(NDArray logits, GenerationConfig config, SplittableRandom random) {
        if (!config.sampled()) {
            return (int) logits.argMax().getLong();
        }
        return TokenDraw.sample(Scalars.div(logits, config.temperature()).softmax(0).toFloatArray(), config.topK(), random);
    }
}
