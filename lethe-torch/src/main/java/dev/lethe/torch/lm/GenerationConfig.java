package dev.lethe.torch.lm;

/**
 * How a language model continues a prompt: how many tokens at most, greedy or sampled, and the token
 * that ends the answer.
 *
 * @param maxNewTokens the most tokens to generate, at least 1
 * @param temperature 0 for greedy (argmax); above 0, the logits are divided by it before sampling
 * @param topK sample among the {@code topK} most probable tokens only; 0 for all
 * @param seed the seed every sampling draw derives from
 * @param stopToken the token that ends generation (not returned); −1 for none
 * @param useCache whether a model that has a key–value cache uses it
 */
public record GenerationConfig(int maxNewTokens, float temperature, int topK, long seed, int stopToken, boolean useCache) {

    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or a positive number, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be 0 (all tokens) or positive, got " + topK);
        }
        if (stopToken < -1) {
            throw new IllegalArgumentException("stopToken must be a token id or -1 for none, got " + stopToken);
        }
    }

    /** Greedy decoding of at most {@code maxNewTokens} tokens, stopping at {@code stopToken} (−1: none), with the cache. */
    public static GenerationConfig greedy(int maxNewTokens, int stopToken) {
        return new GenerationConfig(maxNewTokens, 0f, 0, 0L, stopToken, true);
    }
}
