package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.Spread;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.eval.mia.PopulationAttack;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

public class NextTokenTaskTest {

    private static final List<String> SENTENCES = List.of(
            "the cat sat on the mat.",
            "the dog sat on the log.",
            "a cat ate the rat.",
            "the rat ran to the mat.",
            "a dog ran to the cat.",
            "the cat and the dog sat.");

    /** The sentences' bytes as tokens over the vocabulary of the characters they use, with every token after the first counted. */
    public static RecordSet sentences() {
        TreeSet<Integer> chars = new TreeSet<>();
        SENTENCES.forEach(s -> s.chars().forEach(chars::add));
        List<Integer> vocabulary = new ArrayList<>(chars);
        List<int[]> sequences = new ArrayList<>();
        for (String s : SENTENCES) {
            byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = vocabulary.indexOf((int) bytes[i]);
            }
            sequences.add(ids);
        }
        TokenSequences tokens = TokenSequences.of(sequences, vocabulary.size());
        String[] ids = new String[SENTENCES.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "s" + i;
        }
        return new RecordSet("sentences", ids, null, tokens, NextTokenTargets.allTokens(tokens));
    }

    @Test
    void aTinyLanguageModelTrainsThroughTheOneLoopWellBelowChance() {
        RecordSet text = sentences();
        int vocabulary = ((TokenSequences) text.content()).vocabularySize();
        assertThat(Tasks.of(text)).isSameAs(NextTokenTask.INSTANCE);
        try (ModelHandle model = TinyLanguageModel.create(vocabulary, 16, Spread.seed(5));
             TensorData data = TensorData.of(text, model.manager())) {
            TaskMetrics before = new Evaluator().metrics(model, data);
            TrainResult result = new TrainLoop(new TrainConfig(60, 3, OptimizerKind.ADAM, 0.1f, 0f, 0f, Spread.seed(11)))
                    .run(model, data, NextTokenTask.INSTANCE.objective());
            TaskMetrics after = new Evaluator().metrics(model, data);

            // Chance is log(vocabulary) nats per token; a bigram table over six short sentences gets far below it.
            double chance = Math.log(vocabulary);
            assertThat(Spread.measure("tiny-lm token-loss before / log V", before.value("token-loss") / chance)).isGreaterThan(0.8);
            assertThat(Spread.measure("tiny-lm token-loss after / log V", after.value("token-loss") / chance)).isLessThan(0.5);
            assertThat(result.epochLosses().get(result.epochLosses().size() - 1)).isLessThan(0.5 * chance);
            assertThat(after.value("perplexity")).isCloseTo(Math.exp(after.value("token-loss")), within(1e-9));
            int counted = SENTENCES.stream().mapToInt(s -> s.length() - 1).sum();
            assertThat(after.value("tokens")).isEqualTo(counted);
            assertThat(after.records()).isEqualTo(SENTENCES.size());

            // The loss attack scores records by the task's per-record loss; the probability-based attacks refuse.
            double[] losses = new Evaluator().perRecordLosses(model, data);
            assertThat(java.util.Arrays.stream(losses).min().orElseThrow()).isPositive();
            assertThat(java.util.Arrays.stream(losses).max().orElseThrow()).isLessThan(chance);
            assertThat(new PopulationAttack(PopulationScore.LOSS).run(model, text, text).auc()).isEqualTo(0.5);
            assertThatThrownBy(() -> new PopulationAttack(PopulationScore.ENTROPY).run(model, text, text))
                    .hasMessageContaining("the entropy attack needs class probabilities; on next-token records only the loss attack runs");
        }
    }

    @Test
    void maskedOutTargetsAndPaddingDoNotChangeTheLoss() {
        // Record 0 stands for a question–answer pair whose answer starts at position 12; record 1 is short, so it is padded.
        RecordSet text = sentences();
        TokenSequences all = (TokenSequences) text.content();
        int[] question = java.util.Arrays.copyOf(all.tokens(0), 20);
        int[] shortOne = {1, 2, 3};
        TokenSequences seqs = TokenSequences.of(List.of(question, shortOne), all.vocabularySize());
        RecordSet set = new RecordSet("qa", new String[]{"qa0", "short"}, null, seqs, NextTokenTargets.fromPosition(seqs, new int[]{12, 1}));
        try (ModelHandle model = TinyLanguageModel.create(all.vocabularySize(), 8, 3);
             TensorData data = TensorData.of(set, model.manager());
             NDManager scratch = model.manager().newSubManager()) {
            Batch batch = data.batch(new int[]{0, 1}, 0, 0, scratch);
            float[] mask = batch.mask().toFloatArray();
            // Width 19: record 0 predicts positions 1..19, of which 12..19 count (8); record 1 predicts 1..2 and is padded after.
            assertThat(batch.mask().getShape().getShape()).containsExactly(2, 19);
            assertThat(sum(mask, 0, 19)).isEqualTo(8f);
            assertThat(sum(mask, 19, 38)).isEqualTo(2f);

            NDList outputs = model.forward(batch.inputs(), false);
            float[] losses = NextTokenTask.INSTANCE.perRecordLoss(outputs, batch).toFloatArray();

            // Every target the mask leaves out (the question, the padding) changed: the same losses.
            long[] targets = batch.targets().singletonOrThrow().toLongArray();
            long[] scrambled = targets.clone();
            for (int k = 0; k < scrambled.length; k++) {
                if (mask[k] == 0f) {
                    scrambled[k] = (scrambled[k] + 5) % all.vocabularySize();
                }
            }
            float[] same = NextTokenTask.INSTANCE.perRecordLoss(outputs, withTargets(batch, scratch.create(scrambled, batch.targets().singletonOrThrow().getShape())))
                    .toFloatArray();
            assertThat(same).containsExactly(losses);

            // One counted target changed: record 0's loss moves, record 1's does not.
            long[] oneCounted = targets.clone();
            oneCounted[15] = (oneCounted[15] + 5) % all.vocabularySize();
            float[] moved = NextTokenTask.INSTANCE.perRecordLoss(outputs, withTargets(batch, scratch.create(oneCounted, batch.targets().singletonOrThrow().getShape())))
                    .toFloatArray();
            assertThat(moved[0]).isNotEqualTo(losses[0]);
            assertThat(moved[1]).isEqualTo(losses[1]);

            // The short record's loss does not depend on the padding a longer batch-mate adds.
            Batch alone = data.batch(new int[]{1}, 0, 0, scratch);
            float aloneLoss = NextTokenTask.INSTANCE.perRecordLoss(model.forward(alone.inputs(), false), alone).getFloat();
            assertThat(aloneLoss).isCloseTo(losses[1], within(1e-6f));
        }
    }

    private static Batch withTargets(Batch batch, NDArray targets) {
        return new Batch(batch.inputs(), new NDList(targets), batch.mask(), batch.positions(), batch.step(), batch.epoch(), batch.manager());
    }

    private static float sum(float[] values, int from, int to) {
        float s = 0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s;
    }
}
