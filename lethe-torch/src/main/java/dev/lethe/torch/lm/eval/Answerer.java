package dev.lethe.torch.lm.eval;

/**
 * What answers a question in text: a model's greedy decoding ({@link GreedyAnswerer}), or something
 * put in front of it (an output filter, see {@code dev.lethe.torch.lm.evidence.SuppressionFilter}).
 * The generation-based metrics (ROUGE) see only this, never the weights.
 */
@FunctionalInterface
public interface Answerer {

    /** The answer to {@code question}, without the end-of-answer marker. */
    String answer(String question);

    /**
     * The same answer, given what teacher forcing already computed for the item: its ground-truth answer tokens
     * (end marker included) and the model's argmax at each of their positions. A greedy decoder uses them to skip
     * the prefix it would reproduce ({@link GreedyAnswerer}); anything else answers as {@link #answer(String)}.
     */
    default String answer(String question, int[] goldAnswerTokens, int[] teacherForcedArgmax) {
        return answer(question);
    }
}
