package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Continues a prompt with a language model, one token at a time: each step runs the whole sequence so
 * far through the model ({@code [1, T]} ids in, {@code [1, T, vocabulary]} logits out) and picks the
 * next token from the last position's distribution — the argmax when greedy, else a draw from the
 * softmax of the logits divided by the temperature, restricted to the top k.
 *
 * <p>Placeholder with the agreed signature; the model issue's generator (with the key–value cache)
 * replaces it.
 */
public final class Generator {

    private Generator() {
    }

    /** The tokens {@code model} generates after {@code prompt}, the stop token excluded. */
    public static int[] generate(ModelHandle model, int[] prompt, GenerationConfig config) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token to continue");
        }
        int[] sequence = Arrays.copyOf(prompt, prompt.length + config.maxNewTokens());
        int length = prompt.length;
        SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), "generate"));
        while (length < sequence.length) {
            int next = nextToken(model, Arrays.copyOf(sequence, length), config, random);
            if (next == config.stopToken()) {
                break;
            }
            sequence[length++] = next;
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    private static int nextToken(ModelHandle model, int[] sequence, GenerationConfig config, SplittableRandom random) {
        try (NDScope scope = new NDScope(); NDManager scratch = model.manager().newSubManager()) {
            long[] ids = Arrays.stream(sequence).asLongStream().toArray();
            NDArray logits = model.forward(scratch.create(ids, new Shape(1, ids.length)), false);
            NDArray last = logits.get("0, -1, :");
            if (config.temperature() == 0f) {
                return (int) last.argMax().getLong();
            }
            float[] probabilities = last.div(config.temperature()).softmax(0).toFloatArray();
            return sample(probabilities, config.topK(), random);
        }
    }

    /** Draws a token from {@code probabilities}, renormalised over the {@code topK} largest (0 = all). */
    private static int sample(float[] probabilities, int topK, SplittableRandom random) {
        float threshold = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < probabilities.length) {
            float[] sorted = probabilities.clone();
            Arrays.sort(sorted);
            threshold = sorted[sorted.length - topK];
        }
        double total = 0;
        for (float p : probabilities) {
            total += p >= threshold ? p : 0;
        }
        double u = random.nextDouble() * total;
        int chosen = -1;
        for (int v = 0; v < probabilities.length; v++) {
            if (probabilities[v] >= threshold) {
                chosen = v;
                u -= probabilities[v];
                if (u < 0) {
                    break;
                }
            }
        }
        return chosen;
    }
}
