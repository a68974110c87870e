package dev.lethe.torch.sisa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;

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
            perShard.add((temperature > 0 ? Scalars.div(last, temperature) : last).softmax(0));
        }
        return NDArrays.stack(perShard).mean(new int[]{0});
    }

    /**
     * The posterior-weighted mixture of each shard's next-token logits ({@link ShardWeighting#POSTERIOR}):
     * {@code Σ_s w_s · softmax(z_s / temperature)} with {@code w = softmax(logLikelihoods)}, the shards' log-likelihoods of
     * the sequence so far, {@code [vocabulary]}.
     */
    static NDArray mix(NDList lastLogits, float temperature, float[] logLikelihoods) {
        NDArray first = lastLogits.get(0);
        NDArray weights = first.getManager().create(logLikelihoods).softmax(0);
        NDList perShard = new NDList();
        for (int s = 0; s < lastLogits.size(); s++) {
            NDArray last = lastLogits.get(s);
            perShard.add(Scalars.mul((temperature > 0 ? Scalars.div(last, temperature) : last).softmax(0), weights.getFloat(s)));
        }
        return NDArrays.stack(perShard).sum(new int[]{0});
    }

    /**
     * The log of the mixture's distribution at every position, {@code [b, T, vocabulary]}, for {@code inputs}
     * ({@code [b, T]} ids): {@code log Σ_s w_s(t) · softmax(z_s)[t]}, computed as {@code m + log Σ_s exp(log w_s + log
     * softmax(z_s) − m)} with {@code m} the largest term, so that a token every shard finds unlikely keeps a finite
     * log-probability. The weights are {@code 1/S} ({@link ShardWeighting#MEAN}) or each shard's posterior given the
     * record's tokens up to and including position t ({@link ShardWeighting#POSTERIOR}: {@code log w_s(t) = c_s(t) −
     * log Σ_r exp c_r(t)} with {@code c_s(t) = Σ_{u<t} log p_s(x_{u+1} | x_≤u)}, the shard's log-likelihood of the prefix).
     * Being normalised log-probabilities, these are logits a task's loss and metrics read unchanged ({@code logSoftmax}
     * of them is themselves). Positions after a record's end see its padding in their prefix; the loss mask hides them.
     */
    static NDArray logProbabilities(List<ModelHandle> shards, NDList inputs, ShardWeighting weighting) {
        NDList perShard = new NDList();
        for (ModelHandle shard : shards) {
            perShard.add(shard.forward(inputs, false).singletonOrThrow().logSoftmax(2));
        }
        NDArray stacked = NDArrays.stack(perShard); // [S, b, T, V]
        if (weighting == ShardWeighting.MEAN) {
            NDArray top = stacked.max(new int[]{0}, true);
            return stacked.sub(top).exp().mean(new int[]{0}).log().add(top.squeeze(0));
        }
        return logSumExp(stacked.add(prefixPosterior(stacked, inputs.singletonOrThrow()).expandDims(3))).squeeze(0);
    }

    /** {@code log w_s(t)}, {@code [S, b, T]}: each shard's log posterior given the tokens {@code ids[:, 0..t]}, uniform prior. */
    private static NDArray prefixPosterior(NDArray logProbabilities, NDArray ids) {
        long shards = logProbabilities.getShape().get(0);
        long length = ids.getShape().get(1);
        NDArray zero = logProbabilities.getManager().zeros(new Shape(shards, ids.getShape().get(0), 1));
        NDArray prefix = zero;
        if (length > 1) {
            // log p_s(x_{u+1} | x_≤u) for u = 0 .. T−2, summed up to each position
            NDArray next = ids.get(new NDIndex(":, 1:")).expandDims(0).repeat(0, shards).expandDims(3);
            NDArray steps = logProbabilities.get(new NDIndex(":, :, :-1, :")).gather(next, 3).squeeze(3);
            prefix = NDArrays.concat(new NDList(zero, steps.cumSum(2)), 2);
        }
        return prefix.sub(logSumExp(prefix));
    }

    /** {@code log Σ_s exp(x_s)} over the first axis, kept as a length-1 axis. */
    private static NDArray logSumExp(NDArray x) {
        NDArray top = x.max(new int[]{0}, true);
        return x.sub(top).exp().sum(new int[]{0}, true).log().add(top);
    }
}
