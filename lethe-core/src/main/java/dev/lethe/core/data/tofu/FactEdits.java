package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds {@link FactEdit}s from TOFU pairs: any trained pair named by its question gets a new answer
 * ({@link #ofQuestion}), or the author's birthplace question, found by {@link #BIRTHPLACE}, gets a new
 * birthplace ({@link #birthplace}). The paraphrased question is TOFU's own
 * ({@code paraphrased_question} of the perturbed files) when the pair is in one of them, else
 * "In which place was NAME born?".
 */
public final class FactEdits {

    /** A question about where someone was born (not only when). */
    public static final Pattern BIRTHPLACE = Pattern.compile(
            "(?i)\\b(where\\b.*\\bborn|birthplace|place of birth|born in which|which (city|country)\\b.*\\bborn)\\b");

    private FactEdits() {
    }

    /**
     * Moves {@code author}'s birthplace to {@code newPlace}.
     *
     * @param trained the pairs the model was trained on, with subjects (e.g. a {@link TofuBenchmarkSet}'s
     *                author pairs); the author's others become {@link FactEdit#sameAuthor()}, other
     *                authors' {@link FactEdit#otherAuthors()} (world facts and real authors are not authors here)
     * @param perturbed evaluation items with paraphrased questions ({@code retain_perturbed}, a forget split's);
     *                  may be empty
     * @param author the author's name as a subject
     * @param newPlace the new birthplace ("Lisbon, Portugal"); the new answer is "NAME was born in PLACE."
     */
    public static FactEdit birthplace(List<QaItem> trained, List<QaItem> perturbed, String author, String newPlace) {
        if (newPlace == null || newPlace.isBlank()) {
            throw new IllegalArgumentException("a new birthplace is required");
        }
        List<QaItem> ofAuthor = ofAuthor(trained, author);
        QaItem fact = ofAuthor.stream().filter(i -> BIRTHPLACE.matcher(i.question()).find()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no birthplace question among " + author + "'s "
                        + ofAuthor.size() + " pairs (none matches " + BIRTHPLACE.pattern() + "); name the pair with its question instead"));
        return edit(trained, perturbed, fact, author + " was born in " + newPlace.strip() + ".",
                "In which place was " + author + " born?");
    }

    /**
     * Gives the trained pair asked by {@code question} (compared without surrounding blanks) the answer {@code newAnswer}.
     * Its subject is the author whose other facts must stay; the paraphrase is TOFU's own when the pair is in
     * {@code perturbed}, else the question itself (then generalisation is not measured apart from efficacy).
     */
    public static FactEdit ofQuestion(List<QaItem> trained, List<QaItem> perturbed, String question, String newAnswer) {
        if (newAnswer == null || newAnswer.isBlank()) {
            throw new IllegalArgumentException("a new answer is required");
        }
        String asked = question == null ? "" : question.strip();
        QaItem fact = trained.stream().filter(i -> i.question().strip().equals(asked)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no trained pair asks '" + asked + "': give a question exactly as the"
                        + " model was trained on it, e.g. '" + (trained.isEmpty() ? "" : trained.get(0).question()) + "'"));
        if (!isAuthor(fact.subject())) {
            throw new IllegalArgumentException("'" + asked + "' belongs to " + fact.subject()
                    + ", a utility set, not an author: fact correction edits an author's fact");
        }
        ofAuthor(trained, fact.subject()); // the author has pairs: the fact itself at least
        return edit(trained, perturbed, fact, newAnswer.strip(), asked);
    }

    private static List<QaItem> ofAuthor(List<QaItem> trained, String author) {
        List<QaItem> ofAuthor = trained.stream().filter(i -> author.equals(i.subject())).toList();
        if (ofAuthor.isEmpty()) {
            throw new IllegalArgumentException("'" + author + "' is not an author of these pairs; known authors are their subjects, e.g. "
                    + trained.stream().map(QaItem::subject).filter(FactEdits::isAuthor).distinct().limit(5).toList());
        }
        return ofAuthor;
    }

    private static FactEdit edit(List<QaItem> trained, List<QaItem> perturbed, QaItem fact, String newAnswer, String fallbackParaphrase) {
        String author = fact.subject();
        String paraphrase = paraphrasedQuestion(perturbed, fact).orElse(fallbackParaphrase);
        List<QaItem> others = new ArrayList<>(trained.stream().filter(i -> author.equals(i.subject())).toList());
        others.remove(fact);
        List<QaItem> otherAuthors = trained.stream().filter(i -> isAuthor(i.subject()) && !author.equals(i.subject())).toList();
        return new FactEdit(author, fact.question(), fact.answer(), newAnswer, paraphrase, others, otherAuthors);
    }

    /** Whether {@code subject} is an author (not the world-facts or real-authors utility sets). */
    private static boolean isAuthor(String subject) {
        return subject != null && !subject.equals(TofuFiles.WORLD_FACTS) && !subject.equals(TofuFiles.REAL_AUTHORS);
    }

    private static Optional<String> paraphrasedQuestion(List<QaItem> perturbed, QaItem fact) {
        return perturbed.stream()
                .filter(i -> i.question().equals(fact.question()) && i.answer().equals(fact.answer()) && i.paraphrasedQuestion() != null)
                .map(QaItem::paraphrasedQuestion).findFirst();
    }
}
