package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.eval.Answerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.model.ModelHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * The paraphrase attack: asks the forget questions in other words and compares the answers with those
 * to the original questions. Unlearning that only learned to avoid the exact forget prompts (or a
 * filter keyed on them) answers the paraphrases again; real removal scores low on both (TOFU's
 * paraphrased-question evaluations; Lynch et al. 2024, "Eight methods to evaluate robust unlearning in
 * LLMs", §4). Both sides are scored the same way: the teacher-forced answer probability after the
 * question, and the ROUGE of the generated answer when an answerer and a ROUGE scorer are given.
 */
public final class ParaphraseAttack {

    /** The figures on the original questions and on their paraphrases, item for item the same answers. */
    public record Result(OutputFigures original, OutputFigures paraphrased) {

        /** How much more probable the answers are after the paraphrased questions than after the originals. */
        public double probabilityGain() {
            return paraphrased.answerProbability() - original.answerProbability();
        }

        /** How much more of the answers the generations to the paraphrased questions recall; NaN without ROUGE. */
        public double rougeGain() {
            return paraphrased.rouge() - original.rouge();
        }
    }

    private final LmScorer scorer;
    private final ToDoubleBiFunction<String, String> rouge;

    /** An attack that scores through {@code tokenizer} and, if {@code rouge} is not null, compares generations with it (generation, ground truth). */
    public ParaphraseAttack(Tokenizer tokenizer, ToDoubleBiFunction<String, String> rouge) {
        this.scorer = new LmScorer(tokenizer, LmScorer.Options.answersOnly());
        this.rouge = rouge;
    }

    /**
     * Scores {@code forget} on {@code model} with its own questions and with {@code paraphrasedQuestions}
     * (one per item, in order); generations come from {@code answerer} (the model, or a filter in front
     * of it; {@code null} for none).
     */
    public Result run(ModelHandle model, Answerer answerer, List<QaItem> forget, List<String> paraphrasedQuestions) {
        if (paraphrasedQuestions.size() != forget.size()) {
            throw new IllegalArgumentException("one paraphrased question per forget item: got " + paraphrasedQuestions.size()
                    + " for " + forget.size() + " items");
        }
        List<QaItem> paraphrased = new ArrayList<>(forget.size());
        for (int i = 0; i < forget.size(); i++) {
            QaItem item = forget.get(i);
            paraphrased.add(new QaItem(item.index(), paraphrasedQuestions.get(i), item.answer(), item.subject(),
                    item.paraphrasedAnswer(), item.perturbedAnswers()));
        }
        Answerer generator = rouge == null ? null : answerer;
        return new Result(OutputFigures.of(scorer.score(model, forget, generator), rouge),
                OutputFigures.of(scorer.score(model, paraphrased, generator), rouge));
    }
}
