package dev.lethe.torch.sisa;

import java.util.Locale;

/**
 * How a SISA ensemble of language models weighs its shards at each position (an inference-time choice: the shards, and
 * so the exactness of forgetting, are the same either way).
 *
 * <ul>
 *   <li>{@link #MEAN}: every shard weighs 1/S at every position — the mean of the shards' next-token distributions,
 *   {@code p(x_t | x_<t) = (1/S) Σ_s p_s(x_t | x_<t)}. SISA's aggregation by output distributions (Bourtoule et al.
 *   2021). A fact only one shard holds keeps about 1/S of its probability.</li>
 *   <li>{@link #POSTERIOR}: the ensemble as a mixture of whole sequences, {@code p(x) = (1/S) Σ_s p_s(x)}, whose next-token
 *   distribution weighs each shard by its posterior given the text so far:
 *   <pre>  p(x_t | x_<t) = Σ_s w_s(x_<t) · p_s(x_t | x_<t),   w_s(x_<t) = p_s(x_<t) / Σ_r p_r(x_<t)</pre>
 *   (Branch-Train-Merge's ensembling, Li et al. 2022, "Branch-Train-Merge: Embarrassingly Parallel Training of Expert
 *   Language Models", with a uniform prior). A question a shard was trained on is far likelier under that shard, so the
 *   shard that holds an author answers for it; a question no shard has seen (a forgotten author's) is answered by the
 *   shards that find it likeliest, none of which was trained on it. Each weight is a function of the shard models
 *   alone, so forgetting by retraining a shard stays exact.</li>
 * </ul>
 */
public enum ShardWeighting {
    MEAN,
    POSTERIOR;

    public static ShardWeighting parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mean" -> MEAN;
            case "posterior" -> POSTERIOR;
            default -> throw new IllegalArgumentException("unknown shard weighting '" + text + "': use mean or posterior");
        };
    }
}
