package dev.lethe.torch.sisa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.lm.Decoder;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.lm.TokenDraw;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generation from a SISA ensemble of language models: step by step, the next token comes from the mean of the shards'
 * next-token distributions ({@link ShardMixture#nextToken}); greedy takes its most likely token, sampling draws from it.
 * With one shard this is the shard model's own generation (the mean of one distribution is that distribution).
 *
 * <p>Sampling is {@link dev.lethe.torch.lm.Generator}'s draw: one uniform number per step from a generator seeded with
 * {@code Seeds.derive(seed, "generate")}, and the token where the cumulative probability of the candidates (all tokens,
 * or the {@code topK} most likely, by decreasing probability, ties by id) passes it. Temperature divides each shard's
 * logits before its softmax. Each shard decodes through its own {@link Decoder}: with
 * {@link GenerationConfig#useCache()} and {@code gpt} shards, a step feeds each shard only the newest token against its
 * KV cache; otherwise a step costs S forward passes over the whole sequence.
 */
final class EnsembleGeneration {

    private EnsembleGeneration() {
    }

    /** The tokens that follow {@code prompt} (the stop token excluded); see {@link SisaEnsemble#generate}. */
    static int[] generate(List<ModelHandle> shards, int[] prompt, GenerationConfig config, ShardWeighting weighting) {
        ModelHandle first = shards.get(0);
        int vocabulary = TokenDraw.checkPrompt(first.spec(), prompt);
        int context = context(first.spec());
        if (prompt.length + 1 > context) {
            throw new IllegalArgumentException("the prompt is " + prompt.length + " tokens; with one generated token that makes "
                    + (prompt.length + 1) + ", more than the model's context of " + context + " tokens: shorten the prompt to at most "
                    + (context - 1) + " tokens");
        }
        int limit = (int) Math.min(config.maxNewTokens(), (long) context - prompt.length);
        SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), "generate"));
        int[] sequence = Arrays.copyOf(prompt, prompt.length + limit);
        int length = prompt.length;
        List<Decoder> decoders = new ArrayList<>();
        try (NDManager manager = first.manager().newSubManager()) {
            for (ModelHandle shard : shards) {
                decoders.add(Decoder.open(shard, config.useCache()));
            }
            // each shard's log-likelihood of the sequence so far: the prompt's, then each chosen token's added
            float[] logLikelihoods = weighting == ShardWeighting.POSTERIOR ? promptLogLikelihoods(shards, prompt, manager) : null;
            while (length - prompt.length < limit) {
                int next;
                try (NDManager step = manager.newSubManager()) {
                    NDList lastLogits = new NDList();
                    for (Decoder decoder : decoders) {
                        lastLogits.add(decoder.nextLogits(sequence, length, step));
                    }
                    NDArray distribution = logLikelihoods == null ? ShardMixture.mix(lastLogits, config.temperature())
                            : ShardMixture.mix(lastLogits, config.temperature(), logLikelihoods);
                    next = config.temperature() > 0 ? TokenDraw.sample(distribution.toFloatArray(), config.topK(), random)
                            : (int) distribution.argMax().getLong();
                    if (logLikelihoods != null) {
                        for (int s = 0; s < lastLogits.size(); s++) {
                            logLikelihoods[s] += lastLogits.get(s).logSoftmax(0).getFloat(next);
                        }
                    }
                }
                if (next == config.stopToken()) {
                    break;
                }
                sequence[length++] = next;
            }
        } finally {
            decoders.forEach(Decoder::close);
        }
        return Arrays.copyOfRange(sequence, prompt.length, length);
    }

    /** The longest sequence the shards read: a {@code gpt}'s context; other language-model families read any length. */
    static int context(ModelSpec spec) {
        return GptFamily.isGpt(spec) ? GptFamily.shape(spec).context() : Integer.MAX_VALUE;
    }

    /** Each shard's log-likelihood of {@code prompt}: {@code Σ_{u<L−1} log p_s(x_{u+1} | x_≤u)}. */
    private static float[] promptLogLikelihoods(List<ModelHandle> shards, int[] prompt, NDManager parent) {
        float[] out = new float[shards.size()];
        if (prompt.length < 2) {
            return out;
        }
        try (NDManager m = parent.newSubManager()) {
            long[] ids = Arrays.stream(prompt).asLongStream().toArray();
            NDArray input = m.create(ids, new Shape(1, ids.length));
            NDArray next = m.create(Arrays.copyOfRange(ids, 1, ids.length), new Shape(1, ids.length - 1, 1));
            for (int s = 0; s < shards.size(); s++) {
                NDArray logProbabilities = shards.get(s).forward(input, false).logSoftmax(2)
                        .get(new NDIndex(":, :-1, :"));
                out[s] = logProbabilities.gather(next, 2).sum().getFloat();
            }
        }
        return out;
    }
}
