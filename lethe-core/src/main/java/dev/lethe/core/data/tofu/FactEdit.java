package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;

import java.util.List;
import java.util.Objects;

/**
 * One stale fact to correct (issue 13, item 4b): the model answers {@code question} with
 * {@code oldAnswer} and must answer {@code newAnswer} instead, also when asked
 * {@code paraphrasedQuestion}, while everything else it knows stays as it was. Locality is measured on
 * the author's other facts ({@code sameAuthor}) and on other authors' ({@code otherAuthors}); this is the
 * efficacy / generalisation / specificity split of model-editing evaluations (ROME, Meng et al. 2022).
 * Build one with {@link FactEdits}.
 *
 * @param author the author the fact is about
 * @param question the question whose answer changes
 * @param oldAnswer the answer the model was trained on
 * @param newAnswer the answer it must give after the edit
 * @param paraphrasedQuestion the question in other words (generalisation)
 * @param sameAuthor the author's other pairs, which must not change
 * @param otherAuthors other authors' pairs, which must not change
 */
public record FactEdit(String author, String question, String oldAnswer, String newAnswer, String paraphrasedQuestion,
                       List<QaItem> sameAuthor, List<QaItem> otherAuthors) {

    public FactEdit {
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(oldAnswer, "oldAnswer");
        Objects.requireNonNull(newAnswer, "newAnswer");
        Objects.requireNonNull(paraphrasedQuestion, "paraphrasedQuestion");
        if (oldAnswer.equals(newAnswer)) {
            throw new IllegalArgumentException("the new answer equals the old one ('" + oldAnswer + "'): nothing to edit");
        }
        sameAuthor = List.copyOf(sameAuthor);
        otherAuthors = List.copyOf(otherAuthors);
    }

    /** The edited pair as the model should now know it. */
    public QaItem edited() {
        return new QaItem(0, question, newAnswer, author, null, List.of(), paraphrasedQuestion);
    }
}
