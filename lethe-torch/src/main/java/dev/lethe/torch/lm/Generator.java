package dev.lethe.torch.lm;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;

import java.util.Arrays;

/**
 * placeholder Generator (H1's version replaces it): greedy decoding without a cache, one full forward pass per
 * token, so that code written against the agreed API compiles and its greedy tests run before the real one arrives.
 */
public final class Generator {

    private Generator() {
    }

    /** The tokens that follow {@code prompt} (the stop token excluded); greedy only. */
    public static int[] generate(ModelHandle model, int[] prompt, GenerationConfig config) {
        if (config.temperature() > 0) {
            throw new UnsupportedOperationException("placeholder Generator: sampling arrives with H1's Generator");
        }
        int[] sequence = Arrays.copyOf(prompt, prompt.length + config.maxNewTokens());
        int length = prompt.length;
        try (NDManager manager = model.manager().newSubManager()) {
            while (length - prompt.length < config.maxNewTokens()) {
                long[] ids = Arrays.stream(sequence, 0, length).asLongStream().toArray();
                int next;
                try (NDManager step = manager.newSubManager()) {
                    next = (int) model.forward(step.create(ids, new Shape(1, length)), false).get(new NDIndex("0, -1")).argMax().getLong();
                }
                if (next == config.stopToken()) {
                    break;
                }
                sequence[length++] = next;
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }
}
