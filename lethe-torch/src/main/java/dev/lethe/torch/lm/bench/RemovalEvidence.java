package dev.lethe.torch.lm.bench;

import java.util.Map;

/**
 * What the removal-versus-suppression evidence says of one model, for its TOFU row.
 *
 * @param relearningRecovery what a brief fine-tune on half the forget pairs brings back on the other half,
 *                           against the same attack on the retain-only model (0: no more than a model that never saw them)
 * @param figures further evidence figures (probe accuracy, paraphrase-attack figures), name → value
 * @param verdict removal, suppression or inconclusive, in words
 */
public record RemovalEvidence(double relearningRecovery, Map<String, Double> figures, String verdict) {

    public RemovalEvidence {
        figures = Map.copyOf(figures);
    }
}
