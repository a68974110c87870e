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
}
