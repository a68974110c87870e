package dev.lethe.torch.lm.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.TinyLanguageModel;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LmScorerTest {

    private static final List<QaItem> ITEMS = List.of(
            new QaItem(3, "who wrote it?", "ada wrote it", "ada", "it was ada", List.of("bob wrote it", "cy did", "no one")),
            new QaItem(7, "where?", "in a den", "ada", "a den", List.of("in a bar")),
            new QaItem(9, "when was the war over and done?", "in the year two", "bob", null, List.of()),
            new QaItem(11, "why?", "no", "cy", "none", List.of("yes", "because it rained on the day")));

    @Test
    void eachAnswerNllIsTheNextTokenTaskLossOnTheSameRecord() {
        Tokenizer bytes = ByteTokenizer.INSTANCE;
        try (ModelHandle model = trained(TinyLanguageModel.create(256, 8, 5), bytes)) {
            // Batches of 3 sorted by length here, one batch of everything in the evaluator: different padding, same losses.
            List<ItemScores> scores = new LmScorer(bytes, new LmScorer.Options(3, false, true, 8)).score(model, ITEMS);
            double[] taskLosses = taskLosses(model, bytes, ITEMS);
            for (int i = 0; i < ITEMS.size(); i++) {
                ItemScores s = scores.get(i);
                assertThat(s.index()).isEqualTo(ITEMS.get(i).index());
                assertThat(s.answerTokens()).containsExactly(QaFormat.encode(bytes, ITEMS.get(i).question(), ITEMS.get(i).answer()).answerTokens());
                assertThat(s.meanNll()).isCloseTo(taskLosses[i], within(2e-6 * Math.max(1, taskLosses[i])));
                assertThat(s.generation()).isNull();
            }
            // The paraphrased and perturbed answers' mean NLLs are the task's losses on those pairs after the same question.
            List<QaItem> alternatives = new ArrayList<>();
            for (QaItem item : ITEMS) {
                if (item.paraphrasedAnswer() != null) {
                    alternatives.add(QaItem.of(0, item.question(), item.paraphrasedAnswer(), null));
                }
                item.perturbedAnswers().forEach(wrong -> alternatives.add(QaItem.of(0, item.question(), wrong, null)));
            }
            double[] alternativeLosses = taskLosses(model, bytes, alternatives);
            int k = 0;
            for (int i = 0; i < ITEMS.size(); i++) {
                ItemScores s = scores.get(i);
                if (ITEMS.get(i).paraphrasedAnswer() == null) {
                    assertThat(s.paraphrasedMeanNll()).isNull();
                } else {
                    assertThat(s.paraphrasedMeanNll()).isCloseTo(alternativeLosses[k++], within(1e-5));
                }
                assertThat(s.perturbedMeanNlls()).hasSize(ITEMS.get(i).perturbedAnswers().size());
                for (double perturbed : s.perturbedMeanNlls()) {
                    assertThat(perturbed).isCloseTo(alternativeLosses[k++], within(1e-5));
                }
            }
            assertThat(k).isEqualTo(alternatives.size());
            assertThat(new LmScorer(bytes, LmScorer.Options.full()).score(model, List.of())).isEmpty();
            // A trained bigram table tells answers apart: the item's own answer is not scored like a wrong one.
            assertThat(scores.get(3).perturbedMeanNlls()[1]).isNotCloseTo(scores.get(3).meanNll(), within(0.05));
        }
    }

    @Test
    void theMinKPlusPlusMomentsAndTheArgmaxMatchADirectComputationOverASmallVocabulary() {
        Tokenizer chars = charsOf(ITEMS);
        try (ModelHandle model = trained(TinyLanguageModel.create(chars.vocabularySize(), 6, 9), chars)) {
            List<ItemScores> scores = new LmScorer(chars, LmScorer.Options.answersOnly()).score(model, ITEMS);
            double largestVariance = 0;
            for (int i = 0; i < ITEMS.size(); i++) {
                QaFormat.Encoded pair = QaFormat.encode(chars, ITEMS.get(i).question(), ITEMS.get(i).answer());
                float[][] logits = logitsAlone(model, pair.tokens());
                ItemScores s = scores.get(i);
                assertThat(s.paraphrasedMeanNll()).isNull();
                assertThat(s.perturbedMeanNlls()).isEmpty();
                for (int j = 0; j < s.answerTokens().length; j++) {
                    // Position answerStart − 1 + j predicts answer token j.
                    double[] logP = logSoftmax(logits[pair.answerStart() - 1 + j]);
                    double mu = 0;
                    double second = 0;
                    int argmax = 0;
                    for (int v = 0; v < logP.length; v++) {
                        double p = Math.exp(logP[v]);
                        mu += p * logP[v];
                        second += p * logP[v] * logP[v];
                        argmax = logP[v] > logP[argmax] ? v : argmax;
                    }
                    assertThat(s.answerTokenNlls()[j]).isCloseTo(-logP[s.answerTokens()[j]], within(1e-4));
                    assertThat(s.expectedLogProbs()[j]).isCloseTo(mu, within(1e-4));
                    assertThat(s.logProbVariances()[j]).isCloseTo(second - mu * mu, within(1e-4));
                    assertThat(s.answerArgmax()[j]).isEqualTo(argmax);
                    largestVariance = Math.max(largestVariance, second - mu * mu);
                }
            }
            // The trained distributions are far from uniform, so the variances checked are not all zero.
            assertThat(largestVariance).isGreaterThan(0.1);
        }
    }

    @Test
    void theGenerationIsTheModelsGreedyAnswerBoundedByTheContext() {
        Tokenizer chars = charsOf(ITEMS);
        int context = 64;
        try (ModelHandle model = trained(ModelHandle.create(ModelSpec.parse(TinyLanguageModel.NAME + ":6", new int[]{context},
                chars.vocabularySize()), 4), chars)) {
            List<ItemScores> scores = new LmScorer(chars, new LmScorer.Options(4, true, false, 12)).score(model, ITEMS);
            int newline = chars.encode("\n")[0];
            for (int i = 0; i < ITEMS.size(); i++) {
                int[] prompt = chars.encode(QaFormat.prompt(ITEMS.get(i).question()));
                int room = Math.min(12, context - prompt.length);
                String expected = chars.decode(Generator.generate(model, prompt, GenerationConfig.greedy(room, newline)));
                assertThat(scores.get(i).generation()).isEqualTo(expected);
                assertThat(scores.get(i).generation().length()).isLessThanOrEqualTo(room);
            }
            // A prompt that fills the context leaves no room to answer: a clear error, not a silent empty answer.
            QaItem tooLong = QaItem.of(0, "who wrote it and where and when was the war over and done and why was it?", "no", null);
            assertThatThrownBy(() -> new LmScorer(chars, new LmScorer.Options(4, true, false, 12)).score(model, List.of(tooLong)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context is 64").hasMessageContaining("no room");
            // A tokenizer of another vocabulary is refused before anything is computed.
            assertThatThrownBy(() -> new LmScorer(ByteTokenizer.INSTANCE, LmScorer.Options.full()).score(model, ITEMS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicts " + chars.vocabularySize() + " tokens");
        }
    }

    /** The model after a short fit on the items' answers (so its distributions are peaked, not uniform). */
    private static ModelHandle trained(ModelHandle model, Tokenizer tokenizer) {
        try (TensorData data = TensorData.of(QaRecords.of("items", tokenizer, ITEMS), model.manager())) {
            new TrainLoop(new TrainConfig(40, 2, OptimizerKind.ADAM, 0.05f, 0f, 0f, 1)).run(model, data, NextTokenTask.INSTANCE.objective());
        }
        return model;
    }

    private static double[] taskLosses(ModelHandle model, Tokenizer tokenizer, List<QaItem> items) {
        RecordSet records = QaRecords.of("check", tokenizer, items);
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().perRecordLosses(model, data);
        }
    }

    /** The logits of one sequence run alone, {@code [position][token]}, position t predicting token t + 1. */
    private static float[][] logitsAlone(ModelHandle model, int[] tokens) {
        try (NDScope scope = new NDScope(); NDManager scratch = model.manager().newSubManager()) {
            long[] ids = Arrays.stream(tokens).limit(tokens.length - 1L).asLongStream().toArray();
            float[] flat = model.forward(scratch.create(ids, new Shape(1, ids.length)), false).toFloatArray();
            int v = model.spec().numClasses();
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return rows;
        }
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (float z : logits) {
            sum += Math.exp(z - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int v = 0; v < logits.length; v++) {
            out[v] = logits[v] - log;
        }
        return out;
    }

    /** A one-character-per-token tokenizer over exactly the characters the items and the QA format use. */
    private static Tokenizer charsOf(List<QaItem> items) {
        StringBuilder all = new StringBuilder(QaFormat.prompt("") + QaFormat.answer(""));
        for (QaItem item : items) {
            all.append(item.question()).append(item.answer());
        }
        return new CharTokenizer(all.chars().distinct().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString());
    }
}
