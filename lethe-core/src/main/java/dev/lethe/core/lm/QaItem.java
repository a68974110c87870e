package dev.lethe.core.lm;

import java.util.List;
import java.util.Objects;

/**
 * One question–answer item of a language-model data set or evaluation set (a TOFU row): the question,
 * its answer, the subject it is about, and — in the evaluation sets that have them — a paraphrased
 * answer and perturbed (wrong) answers for the truth ratio, or the wrong options of a
 * multiple-choice item (real authors, world facts).
 *
 * @param index the item's position in its file (the {@code value_by_index} key of an eval log)
 * @param question the question
 * @param answer the correct answer
 * @param subject whom or what the item is about (a TOFU author's name); {@code null} when unknown
 * @param paraphrasedAnswer the answer said in other words; {@code null} where the set has none
 * @param perturbedAnswers wrong answers of the same form; empty where the set has none
 * @param paraphrasedQuestion the question asked in other words (TOFU's {@code paraphrased_question}, for
 *                            paraphrase attacks and stale-fact edits); {@code null} where the set has none
 */
public record QaItem(int index, String question, String answer, String subject, String paraphrasedAnswer,
                     List<String> perturbedAnswers, String paraphrasedQuestion) {

    public QaItem {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        perturbedAnswers = perturbedAnswers == null ? List.of() : List.copyOf(perturbedAnswers);
    }

    /** An item without a paraphrased question. */
    public QaItem(int index, String question, String answer, String subject, String paraphrasedAnswer,
                  List<String> perturbedAnswers) {
        this(index, question, answer, subject, paraphrasedAnswer, perturbedAnswers, null);
    }

    /** The same item about {@code newSubject}. */
    public QaItem withSubject(String newSubject) {
        return new QaItem(index, question, answer, newSubject, paraphrasedAnswer, perturbedAnswers, paraphrasedQuestion);
    }

    /** A plain pair with no paraphrase or perturbations. */
    public static QaItem of(int index, String question, String answer, String subject) {
        return new QaItem(index, question, answer, subject, null, List.of());
    }
}
