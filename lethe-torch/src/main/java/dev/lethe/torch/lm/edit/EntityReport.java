package dev.lethe.torch.lm.edit;

import dev.lethe.torch.lm.evidence.OutputFigures;

import java.util.Locale;

/**
 * What entity unlearning did, measured on pairs the method never saw: the entity's real
 * question–answer pairs (forget efficacy) and the retain pairs (model utility), each as the mean answer
 * probability and the mean greedy ROUGE-L recall (TOFU's two output figures), before and after.
 *
 * @param entity the forgotten name
 * @param forgetPairs how many self-generated pairs the method unlearned
 * @param entityBefore the entity's real pairs on the original model
 * @param entityAfter the entity's real pairs on the unlearned copy
 * @param retainBefore the retain pairs on the original model
 * @param retainAfter the retain pairs on the unlearned copy
 */
public record EntityReport(String entity, int forgetPairs, OutputFigures entityBefore, OutputFigures entityAfter,
                           OutputFigures retainBefore, OutputFigures retainAfter) {

    /**
     * The least drop of the entity's mean answer probability that counts as forgetting: at the
     * probabilities a memorising model gives its answers (near 1), smaller moves are noise of the method's
     * own randomness rather than removal.
     */
    public static final double MIN_DROP = 0.05;

    /** How the judgement reads. */
    public enum Kind {
        /** The entity's pairs lost at least {@link #MIN_DROP} and more than twice what the retain pairs lost. */
        FORGOTTEN,
        /** The entity's pairs lost at least {@link #MIN_DROP}, but the retain pairs lost at least half as much. */
        COLLATERAL,
        /** The entity's pairs lost less than {@link #MIN_DROP}. */
        NOT_FORGOTTEN
    }

    /** How much answer probability the entity's real pairs lost. */
    public double entityDrop() {
        return entityBefore.answerProbability() - entityAfter.answerProbability();
    }

    /** How much answer probability the retain pairs lost (utility cost). */
    public double retainDrop() {
        return retainBefore.answerProbability() - retainAfter.answerProbability();
    }

    /** The judgement by the answer probabilities. */
    public Kind kind() {
        if (entityDrop() < MIN_DROP) {
            return Kind.NOT_FORGOTTEN;
        }
        return retainDrop() * 2 < entityDrop() ? Kind.FORGOTTEN : Kind.COLLATERAL;
    }

    /** One line: the judgement and the figures it rests on. */
    public String verdict() {
        String head = switch (kind()) {
            case FORGOTTEN -> "forgotten";
            case COLLATERAL -> "forgotten with collateral damage";
            case NOT_FORGOTTEN -> "not forgotten";
        };
        return String.format(Locale.ROOT,
                "%s: '%s' (%d self-generated pairs unlearned) - its %d real pairs: answer probability %.3f -> %.3f, ROUGE-L recall %.3f -> %.3f;"
                        + " %d retain pairs: answer probability %.3f -> %.3f, ROUGE-L recall %.3f -> %.3f",
                head, entity, forgetPairs, entityBefore.items(), entityBefore.answerProbability(), entityAfter.answerProbability(),
                entityBefore.rouge(), entityAfter.rouge(), retainBefore.items(), retainBefore.answerProbability(),
                retainAfter.answerProbability(), retainBefore.rouge(), retainAfter.rouge());
    }
}
