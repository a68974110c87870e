package dev.lethe.torch.sisa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.lethe.torch.model.ModelHandle;

import java.util.List;

/**
 * The SISA aggregation of language-model shards: the mean of the shards' next-token probability distributions
 * (not of their logits), position by position — for shard outputs {@code z_s}, {@code p = (1/S) Σ_s softmax(z_s / τ)}.
 * A mixture of the shard models is itself a language model, and, unlike a mean of logits, it gives every shard's
 * confident prediction its own weight: a token one shard is sure of keeps probability of at least 1/S.
 * (Bourtoule et al. 2021, "Machine Unlearning", aggregate SISA's constituents by their output distributions.)
 * Every array is created from the inputs' arrays, so nothing outlives the caller's manager.
 */
final class ShardMixture {

    private ShardMixture() {
    }

    /**
     * The mixture's next-token distribution after {@code ids} ({@code [1, T]}): the mean over shards of
     * {@code softmax(z_s[T-1] / temperature)} ({@code temperature} 0 or 1 leaves the logits as they are), {@code [vocabulary]}.
     */
    static NDArray nextToken(List<ModelHandle> shards, NDArray ids, float temperature) {
        NDList lastLogits = new NDList();
        for (ModelHandle shard : shards) {
            lastLogits.add(shard.forward(ids, false).get(new NDIndex("0, -1")));
        }
        return mix(lastLogits, temperature);
    }

    /**
     * The mean over shards of {@code softmax(z_s / temperature)} for each shard's next-token logits {@code z_s}
     * ({@code [vocabulary]} each; {@code temperature} 0 or 1 leaves them as they are), {@code [vocabulary]}.
     */
    static NDArray mix(NDList lastLogits, float temperature) {
        NDList perShard = new NDList();
        for (NDArray last : lastLogits) {
            perShard.add((temperature > 0 ? last.div(temperature) : last).softmax(0));
        }
        return NDArrays.stack(perShard).mean(new int[]{0});
    }

    /**
     * The log of the mixture's distribution at every position, {@code [b, T, vocabulary]}, for {@code inputs}: computed as
     * {@code m + log((1/S) Σ_s exp(log softmax(z_s) − m))} with {@code m} the shards' largest log-probability, so that a
     * token every shard finds unlikely keeps a finite log-probability. Being normalised log-probabilities, these are
     * logits a task's loss and metrics read unchanged ({@code logSoftmax} of them is themselves).
     */
    static NDArray logProbabilities(List<ModelHandle> shards, NDList inputs) {
        NDList perShard = new NDList();
        for (ModelHandle shard : shards) {
            perShard.add(shard.forward(inputs, false).singletonOrThrow().logSoftmax(2));
        }
        NDArray stacked = NDArrays.stack(perShard);
        NDArray top = stacked.max(new int[]{0}, true);
        return stacked.sub(top).exp().mean(new int[]{0}).log().add(top.squeeze(0));
    }
}
