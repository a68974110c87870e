package dev.lethe.torch.eval.mia;

import dev.lethe.core.mia.PopulationScore;

import java.util.Arrays;

/**
 * The per-record features that the learned membership attacks read from a model's output.
 *
 * <ul>
 *   <li>{@link #sortedLogProbabilities}: the probability vector sorted in descending order (Shokri et
 *       al. 2017 sort it so one attack model serves every permutation of classes), on a log scale
 *       floored at log 10⁻¹² so that the differences between 0.9999 and 0.99 that separate members
 *       are visible to a linear model.</li>
 *   <li>{@link #confidence}: [log p_y, −H(p), −Mentr(p, y)] followed by the sorted log-probabilities — the
 *       confidence-, entropy- and modified-entropy-based features of Song and Mittal (2021) that
 *       the MIA-efficacy classifier of Jia et al. (2023) and SalUn (Fan et al. 2024) is trained on.</li>
 *   <li>{@link #logitConfidence}: LiRA's φ = log(p_y / (1 − p_y)) = z_y − log Σ_{j≠y} exp z_j, from logits
 *       (Carlini et al. 2022), whose distribution over shadow models is close to Gaussian.</li>
 * </ul>
 */
public final class AttackFeatures {

    private static final double FLOOR = Math.log(1e-12);

    private AttackFeatures() {
    }

    /** log p, sorted from the largest probability down, each at least log 10⁻¹². */
    public static float[] sortedLogProbabilities(float[] p) {
        float[] s = p.clone();
        Arrays.sort(s);
        float[] out = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = (float) Math.max(FLOOR, Math.log(s[s.length - 1 - i]));
        }
        return out;
    }

    /** [log p_y, −H(p), −Mentr(p, y), sorted log p ...]. */
    public static float[] confidence(float[] p, int label) {
        float[] sorted = sortedLogProbabilities(p);
        float[] out = new float[3 + sorted.length];
        out[0] = (float) Math.max(FLOOR, PopulationScore.LOSS.score(p, label));
        out[1] = (float) PopulationScore.ENTROPY.score(p, label);
        out[2] = (float) Math.max(FLOOR, PopulationScore.MODIFIED_ENTROPY.score(p, label));
        System.arraycopy(sorted, 0, out, 3, sorted.length);
        return out;
    }

    /** φ = z_y − log Σ_{j≠y} exp z_j, computed stably (log-sum-exp with the maximum taken out). */
    public static double logitConfidence(float[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < logits.length; j++) {
            if (j != label) {
                max = Math.max(max, logits[j]);
            }
        }
        double sum = 0;
        for (int j = 0; j < logits.length; j++) {
            if (j != label) {
                sum += Math.exp(logits[j] - max);
            }
        }
        return logits[label] - (max + Math.log(sum));
    }
}
