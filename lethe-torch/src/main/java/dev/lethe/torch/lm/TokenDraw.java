package dev.lethe.torch.lm;

import dev.lethe.torch.model.ModelSpec;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The two pieces every language-model decoder shares — one model's {@link Generator} and a SISA ensemble's
 * mixture — so that both draw the same token from the same distribution and seed, and refuse the same prompts.
 */
public final class TokenDraw {

    private TokenDraw() {
    }

    /**
     * Draws a token from {@code probabilities} (already tempered): the {@code topK} most likely tokens (all when 0),
     * ties by the lower id, renormalised, one uniform draw from {@code random}.
     */
    public static int sample(float[] probabilities, int topK, SplittableRandom random) {
        int vocabulary = probabilities.length;
        Integer[] order = new Integer[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> probabilities[a] != probabilities[b] ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
        int candidates = topK == 0 ? vocabulary : Math.min(topK, vocabulary);
        double total = 0;
        for (int i = 0; i < candidates; i++) {
            total += probabilities[order[i]];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < candidates; i++) {
            cumulative += probabilities[order[i]];
            if (u < cumulative) {
                return order[i];
            }
        }
        return order[candidates - 1];
    }

    /** Checks that {@code spec} is a language model and {@code prompt} a non-empty list of its token ids; returns the vocabulary size. */
    public static int checkPrompt(ModelSpec spec, int[] prompt) {
        int vocabulary = spec.numClasses();
        if (spec.inputShape().length != 1) {
            throw new IllegalArgumentException("model " + spec + " is not a language model (its input is not a token sequence)");
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token to continue from");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocabulary) {
                throw new IllegalArgumentException("prompt token " + i + " is " + prompt[i] + ", outside the model's vocabulary 0.."
                        + (vocabulary - 1));
            }
        }
        return vocabulary;
    }
}
