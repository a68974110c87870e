package dev.lethe.torch.lm.eval;

import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.model.ModelHandle;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a language model on question–answer items: the raw per-item values ({@link ItemScores}) that
 * every TOFU/MUSE figure is computed from (see ../shared/lm-metrics and OpenUnlearning's
 * {@code evaluate_probability}, {@code truth_ratio}, {@code eval_text_similarity}).
 *
 * <ul>
 *   <li>Teacher forcing of {@code QaFormat.encode(q, a)}: per answer token (end marker included) the NLL,
 *       the argmax and μ_t, σ²_t of log p under the model's own distribution (min-k%++).</li>
 *   <li>The paraphrased answer's and each perturbed answer's mean NLL after the same question, batched
 *       the same way (the truth ratio's inputs).</li>
 *   <li>The greedy answer (for ROUGE), from an {@link Answerer}: the model's own greedy decoding by
 *       default, or whatever stands in front of it (an output filter).</li>
 * </ul>
 * An item's mean answer NLL equals the next-token task's loss on the same record.
 */
public final class LmScorer {

    /**
     * What to compute beyond the teacher-forced answer.
     *
     * @param batchSize sequences per forward pass
     * @param generate whether to generate the greedy answer (the slow part: one decode per item)
     * @param alternatives whether to score the paraphrased and perturbed answers
     * @param maxNewTokens the most tokens a generated answer may have (also bounded by the context)
     */
    public record Options(int batchSize, boolean generate, boolean alternatives, int maxNewTokens) {

        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
            }
        }

        /** Everything: batches of 16, generation up to 512 new tokens (a TOFU answer is at most about 400 bytes). */
        public static Options full() {
            return new Options(16, true, true, 512);
        }

        /** Teacher forcing only (answer, paraphrase, perturbations): no generation. */
        public static Options teacherForcedOnly() {
            return new Options(16, false, true, 512);
        }

        /** Only the answer's own teacher-forced values: the fastest path (training-time checks, attacks). */
        public static Options answersOnly() {
            return new Options(16, false, false, 512);
        }
    }

    private final Tokenizer tokenizer;
    private final Options options;

    public LmScorer(Tokenizer tokenizer, Options options) {
        this.tokenizer = tokenizer;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** Scores {@code items} on {@code model}, generating with the model's own greedy decoding when the options say so. */
    public List<ItemScores> score(ModelHandle model, List<QaItem> items) {
        return score(model, items, options.generate() ? new GreedyAnswerer(model, tokenizer, options.maxNewTokens()) : null);
    }

    /**
     * Scores {@code items}: teacher-forced values from {@code model}, generations from {@code answerer}
     * ({@code null}: none, whatever the options say).
     */
    public List<ItemScores> score(ModelHandle model, List<QaItem> items, Answerer answerer) {
        return score(ScoredLanguageModel.of(model), items, answerer);
    }

    /** Scores {@code items} on {@code model} (one model, or a SISA ensemble's mixture), answers from {@code answerer} ({@code null}: none). */
    public List<ItemScores> score(ScoredLanguageModel model, List<QaItem> items, Answerer answerer) {
        checkVocabulary(model);
        int vocabulary = tokenizer.vocabularySize();
        List<QaFormat.Encoded> answers = new ArrayList<>(items.size());
        for (QaItem item : items) {
            answers.add(QaFormat.encode(tokenizer, item.question(), item.answer()));
        }
        List<AnswerPositions.Values> own = AnswerPositions.measure(model, vocabulary, answers, options.batchSize(), true);
        List<AnswerPositions.Values> others = options.alternatives()
                ? AnswerPositions.measure(model, vocabulary, alternatives(items), options.batchSize(), false) : List.of();
        List<ItemScores> scores = new ArrayList<>(items.size());
        int next = 0;
        for (int i = 0; i < items.size(); i++) {
            QaItem item = items.get(i);
            AnswerPositions.Values v = own.get(i);
            Double paraphrased = null;
            double[] perturbed = new double[0];
            if (options.alternatives()) {
                if (item.paraphrasedAnswer() != null) {
                    paraphrased = others.get(next++).meanNll();
                }
                perturbed = new double[item.perturbedAnswers().size()];
                for (int j = 0; j < perturbed.length; j++) {
                    perturbed[j] = others.get(next++).meanNll();
                }
            }
            String generation = answerer == null ? null : answerer.answer(item.question(), answers.get(i).answerTokens(), v.argmax());
            scores.add(new ItemScores(item.index(), item.question(), item.answer(), answers.get(i).answerTokens(), v.nlls(),
                    v.argmax(), v.expectedLogProbs(), v.logProbVariances(), paraphrased, perturbed, generation));
        }
        return scores;
    }

    /** Each item's paraphrased answer (if any), then its perturbed answers, after its own question: the order {@link #score} reads them back in. */
    private List<QaFormat.Encoded> alternatives(List<QaItem> items) {
        List<QaFormat.Encoded> pairs = new ArrayList<>();
        for (QaItem item : items) {
            if (item.paraphrasedAnswer() != null) {
                pairs.add(QaFormat.encode(tokenizer, item.question(), item.paraphrasedAnswer()));
            }
            for (String wrong : item.perturbedAnswers()) {
                pairs.add(QaFormat.encode(tokenizer, item.question(), wrong));
            }
        }
        return pairs;
    }

    private void checkVocabulary(ScoredLanguageModel model) {
        if (model.vocabularySize() != tokenizer.vocabularySize()) {
            throw new IllegalArgumentException("model " + model.name() + " predicts " + model.vocabularySize()
                    + " tokens but tokenizer " + tokenizer.name() + " has " + tokenizer.vocabularySize()
                    + ": score a language model with the tokenizer it was trained with");
        }
    }
}
