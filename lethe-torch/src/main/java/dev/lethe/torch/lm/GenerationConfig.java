package dev.lethe.torch.lm;

/**
 * How {@link Generator} decodes: how many tokens at most, greedy or sampled, when to stop, and whether
 * to use a KV cache.
 *
 * @param maxNewTokens the most tokens to generate, at least 0 (generation also ends at the stop token
 *                     and where the sequence fills the model's context)
 * @param temperature 0 for greedy decoding (the most likely token each step); above 0, tokens are drawn
 *                    from {@code softmax(logits / temperature)}
 * @param topK when sampling, draw only among the {@code topK} most likely tokens (renormalised); 0 = all
 * @param seed the seed every sampled draw derives from (unused when greedy)
 * @param stopToken the token that ends generation (not returned); −1 = none
 * @param useCache whether to decode with a KV cache where the model has one ({@code gpt}); the tokens
 *                 are the same either way, the cache only saves work
 */
public record GenerationConfig(int maxNewTokens, float temperature, int topK, long seed, int stopToken, boolean useCache) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or a positive number, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = all tokens), got " + topK);
        }
        if (stopToken < -1) {
            throw new IllegalArgumentException("stopToken must be a token id or -1 (none), got " + stopToken);
        }
    }

    /** Greedy decoding of at most {@code maxNewTokens} tokens, stopping at {@code stopToken} (−1 = none), with the cache. */
    public static GenerationConfig greedy(int maxNewTokens, int stopToken) {
        return new GenerationConfig(maxNewTokens, 0f, 0, 0L, stopToken, true);
    }

    /** Whether tokens are drawn (temperature above 0) rather than picked greedily. */
    public boolean sampled() {
        return temperature > 0;
    }

    /** The same settings with the cache on or off. */
    public GenerationConfig withCache(boolean cache) {
        return new GenerationConfig(maxNewTokens, temperature, topK, seed, stopToken, cache);
    }
}
