package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.QaItem;
import dev.lethe.torch.lm.eval.Answerer;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The suppression-only baseline: an output filter in front of a model that answers every question
 * naming a forget subject (or equal to a forget question) with a refusal and passes every other question
 * to the model. The weights stay exactly as they were.
 *
 * <p>What it shows: generation-based output metrics (ROUGE-L of the greedy answer on the forget
 * questions) cannot tell this from real unlearning — its forget answers are refusals — while the
 * probes that look past the text catch it: the teacher-forced answer probability, a paraphrased
 * question that does not name the subject, a brief relearning attack and a linear probe on the hidden
 * states all still find the forget set (see {@link RemovalVerdict}). A method that scores like this
 * filter on the probes has only suppressed its outputs (the "unlearning vs obfuscation" distinction of
 * Lynch et al. 2024, "Eight methods to evaluate robust unlearning in LLMs").
 *
 * <p>Matching ignores case and punctuation and works on whole words: "Who is Basil Mahfouz
 * Al-Kuwaiti?" names the subject "Basil Mahfouz Al-Kuwaiti", "Basilisk" does not name "Basil".
 */
public final class SuppressionFilter implements Answerer {

    /** What the filter says instead of an answer. */
    public static final String REFUSAL = "I'm sorry, but I cannot answer that.";

    private final Answerer model;
    private final List<String> subjects;
    private final Set<String> questions;

    /** A filter in front of {@code model} that refuses questions naming any of {@code forgetSubjects} or equal to one of {@code forgetQuestions}. */
    public SuppressionFilter(Answerer model, Collection<String> forgetSubjects, Collection<String> forgetQuestions) {
        this.model = Objects.requireNonNull(model, "model");
        this.subjects = forgetSubjects.stream().filter(Objects::nonNull).map(SuppressionFilter::words)
                .filter(s -> !s.isBlank()).distinct().toList();
        this.questions = forgetQuestions.stream().map(SuppressionFilter::words).collect(Collectors.toUnmodifiableSet());
        if (subjects.isEmpty() && questions.isEmpty()) {
            throw new IllegalArgumentException("a suppression filter needs at least one forget subject or forget question");
        }
    }

    /** A filter that refuses the subjects and the questions of {@code forget}. */
    public static SuppressionFilter of(Answerer model, List<QaItem> forget) {
        return new SuppressionFilter(model, forget.stream().map(QaItem::subject).filter(Objects::nonNull).toList(),
                forget.stream().map(QaItem::question).toList());
    }

    /** Whether the filter refuses {@code question} (it names a forget subject or is a forget question). */
    public boolean refuses(String question) {
        String q = words(question);
        if (questions.contains(q)) {
            return true;
        }
        String padded = " " + q + " ";
        return subjects.stream().anyMatch(s -> padded.contains(" " + s + " "));
    }

    @Override
    public String answer(String question) {
        return refuses(question) ? REFUSAL : model.answer(question);
    }

    @Override
    public String answer(String question, int[] goldAnswerTokens, int[] teacherForcedArgmax) {
        return refuses(question) ? REFUSAL : model.answer(question, goldAnswerTokens, teacherForcedArgmax);
    }

    /** Lower case, every run of characters that are not letters or digits one space, trimmed. */
    private static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }
}
