package dev.lethe.core.lm;

import java.util.Objects;

/**
 * What a language model did on one evaluation item (a question–answer pair): the raw per-item values
 * that every TOFU/MUSE aggregate is computed from, and that an eval log keeps per item so that users
 * can re-aggregate them (OpenUnlearning's {@code value_by_index}). Computed by teacher forcing the
 * item's answer after its question ({@link dev.lethe.core.text.QaFormat}) and by one greedy generation.
 *
 * <p>Per-position arrays cover the answer's tokens only, the end-of-answer token included, in order.
 * Which metric keeps or drops the last position is the metric's business (see ../shared/lm-metrics).
 *
 * @param index the item's index in its evaluation set (OpenUnlearning's {@code value_by_index} key)
 * @param question the question text
 * @param answer the ground-truth answer text (without the end marker)
 * @param answerTokens the answer's token ids (the end marker included)
 * @param answerTokenNlls each answer token's negative log-likelihood, in nats
 * @param answerArgmax the teacher-forced argmax token at each answer position
 * @param expectedLogProbs μ_t = Σ_v p(v) log p(v) under the model's own next-token distribution at each answer position (min-k%++)
 * @param logProbVariances σ²_t = Σ_v p(v) (log p(v))² − μ_t² at each answer position (min-k%++)
 * @param paraphrasedMeanNll the paraphrased answer's mean token NLL after the same question; {@code null} where the set has none
 * @param perturbedMeanNlls each perturbed (wrong) answer's mean token NLL after the same question; empty where the set has none
 * @param generation the model's greedy answer to the question, end marker removed; {@code null} where not generated
 */
public record ItemScores(int index, String question, String answer, int[] answerTokens, double[] answerTokenNlls,
                         int[] answerArgmax, double[] expectedLogProbs, double[] logProbVariances,
                         Double paraphrasedMeanNll, double[] perturbedMeanNlls, String generation) {

    public ItemScores {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        int n = answerTokens.length;
        if (answerTokenNlls.length != n || answerArgmax.length != n || expectedLogProbs.length != n || logProbVariances.length != n) {
            throw new IllegalArgumentException("item " + index + ": the per-position arrays must all have the answer's "
                    + n + " positions");
        }
        perturbedMeanNlls = perturbedMeanNlls == null ? new double[0] : perturbedMeanNlls;
    }

    /** The mean NLL over all answer tokens, the last included: the loss-like MIA score and the log of 1 / answer probability. */
    public double meanNll() {
        double sum = 0;
        for (double v : answerTokenNlls) {
            sum += v;
        }
        return answerTokenNlls.length == 0 ? 0 : sum / answerTokenNlls.length;
    }
}
