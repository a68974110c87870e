package dev.lethe.torch.sisa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
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
    static int[] generate(List<ModelHandle> shards, int[] prompt, GenerationConfig config) {
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
            while (length - prompt.length < limit) {
                int next;
                try (NDManager step = manager.newSubManager()) {
                    NDList lastLogits = new NDList();
                    for (Decoder decoder : decoders) {
                        lastLogits.add(decoder.nextLogits(sequence, length, step));
                    }
                    NDArray distribution = ShardMixture.mix(lastLogits, config.temperature());
                    next = config.temperature() > 0 ? TokenDraw.sample(distribution.toFloatArray(), config.topK(), random)
                            : (int) distribution.argMax().getLong();
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

}
