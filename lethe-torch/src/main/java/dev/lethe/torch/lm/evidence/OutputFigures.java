package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.ItemScores;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * Two figures of a model on a set of question–answer items that the removal-vs-suppression probes
 * compare: the mean answer probability (TOFU / OpenUnlearning {@code evaluate_probability}: per item
 * {@code exp(−mean answer-token NLL)}, end marker included, then the mean over items) and the mean
 * ROUGE of the generated answers against the ground truth.
 *
 * @param items how many items the figures cover
 * @param answerProbability the mean length-normalised answer probability
 * @param rouge the mean ROUGE of the generations; NaN where nothing was generated or no ROUGE scorer was given
 */
public record OutputFigures(int items, double answerProbability, double rouge) {

    /**
     * The figures of {@code scores}; {@code rouge} scores (generation, ground truth) — TOFU uses ROUGE-L
     * recall — and may be {@code null} for none.
     */
    public static OutputFigures of(List<ItemScores> scores, ToDoubleBiFunction<String, String> rouge) {
        double probability = 0;
        double rougeSum = 0;
        int generated = 0;
        for (ItemScores s : scores) {
            probability += Math.exp(-s.meanNll());
            if (rouge != null && s.generation() != null) {
                rougeSum += rouge.applyAsDouble(s.generation(), s.answer());
                generated++;
            }
        }
        return new OutputFigures(scores.size(), scores.isEmpty() ? Double.NaN : probability / scores.size(),
                generated == 0 ? Double.NaN : rougeSum / generated);
    }
}
