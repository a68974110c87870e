package dev.lethe.torch.lm.edit;

import java.util.Locale;

/**
 * What a {@link FactCorrection} did, in the three figures of model-editing evaluations (ROME, Meng et al.
 * 2022): efficacy (the question), generalisation (its paraphrase) and locality or specificity (the
 * author's other pairs and other authors' pairs, none of them trained on), before and after the edit.
 * Probabilities are TOFU's length-normalised answer probability, {@code exp(−mean answer-token NLL)}.
 *
 * @param author whose fact changed
 * @param oldAnswer the stale answer
 * @param newAnswer the answer taught
 * @param anchors how many other authors' pairs were rehearsed (and left out of the locality figures)
 * @param before the original model
 * @param after the edited copy
 */
public record FactCorrectionReport(String author, String oldAnswer, String newAnswer, int anchors, Side before, Side after) {

    /**
     * One asking of the edited fact.
     *
     * @param newAnswerProbability the new answer's probability after the question
     * @param oldAnswerProbability the old answer's probability after the question
     * @param greedyAnswer what the model answers
     */
    public record Probe(double newAnswerProbability, double oldAnswerProbability, String greedyAnswer) {
    }

    /**
     * Pairs that must not change.
     *
     * @param items how many
     * @param answerProbability their mean answer probability (NaN when there are none)
     * @param exactRate the share whose greedy answer is their answer exactly (NaN when there are none)
     */
    public record Locality(int items, double answerProbability, double exactRate) {
    }

    /** One model's figures. */
    public record Side(Probe question, Probe paraphrase, Locality sameAuthor, Locality otherAuthors) {
    }

    /** Efficacy: the model now answers the question with the new answer. */
    public boolean efficacious() {
        return after.question().greedyAnswer().equals(newAnswer);
    }

    /** The change of the author's other pairs' mean answer probability (negative: lost). */
    public double sameAuthorProbabilityChange() {
        return after.sameAuthor().answerProbability() - before.sameAuthor().answerProbability();
    }

    /** The change of the other authors' held-out pairs' mean answer probability (negative: lost). */
    public double otherAuthorsProbabilityChange() {
        return after.otherAuthors().answerProbability() - before.otherAuthors().answerProbability();
    }

    /** A few lines: efficacy, generalisation, locality. */
    public String summary() {
        return String.format(Locale.ROOT, """
                        edit of %s: "%s" -> "%s" (%d anchors rehearsed)
                          question:   new answer p %.3f -> %.3f, old answer p %.3f -> %.3f, greedy "%s" -> "%s"
                          paraphrase: new answer p %.3f -> %.3f, old answer p %.3f -> %.3f, greedy "%s" -> "%s"
                          locality, same author (%d pairs): p %.3f -> %.3f, exact %.3f -> %.3f
                          locality, other authors (%d held-out pairs): p %.3f -> %.3f, exact %.3f -> %.3f""",
                author, oldAnswer, newAnswer, anchors,
                before.question().newAnswerProbability(), after.question().newAnswerProbability(),
                before.question().oldAnswerProbability(), after.question().oldAnswerProbability(),
                before.question().greedyAnswer(), after.question().greedyAnswer(),
                before.paraphrase().newAnswerProbability(), after.paraphrase().newAnswerProbability(),
                before.paraphrase().oldAnswerProbability(), after.paraphrase().oldAnswerProbability(),
                before.paraphrase().greedyAnswer(), after.paraphrase().greedyAnswer(),
                before.sameAuthor().items(), before.sameAuthor().answerProbability(), after.sameAuthor().answerProbability(),
                before.sameAuthor().exactRate(), after.sameAuthor().exactRate(),
                before.otherAuthors().items(), before.otherAuthors().answerProbability(), after.otherAuthors().answerProbability(),
                before.otherAuthors().exactRate(), after.otherAuthors().exactRate());
    }
}
