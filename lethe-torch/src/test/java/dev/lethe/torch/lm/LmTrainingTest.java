package dev.lethe.torch.lm;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.TrainResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LmTrainingTest {

    private static final String[][] PAIRS = {
            {"Where was Ada born?", "Ada was born in Lisbon."},
            {"What does Ada write?", "Ada writes short novels about the sea."},
            {"Where was Bo born?", "Bo was born in Oslo."},
            {"What does Bo write?", "Bo writes poems about mountains."},
            {"Where was Cy born?", "Cy was born in Quito."},
            {"What does Cy write?", "Cy writes plays about the city."},
            {"Who is Ada's editor?", "Ada's editor is Bo."},
            {"Who is Cy's editor?", "Cy's editor is Ada."},
    };

    /** Question–answer records in QaFormat, byte tokens, the loss on the answers. */
    static RecordSet pairs() {
        List<int[]> sequences = new ArrayList<>();
        int[] answerStarts = new int[PAIRS.length];
        String[] ids = new String[PAIRS.length];
        for (int i = 0; i < PAIRS.length; i++) {
            QaFormat.Encoded encoded = QaFormat.encode(ByteTokenizer.INSTANCE, PAIRS[i][0], PAIRS[i][1]);
            sequences.add(encoded.tokens());
            answerStarts[i] = encoded.answerStart();
            ids[i] = "qa" + i;
        }
        TokenSequences tokens = TokenSequences.of(sequences, ByteTokenizer.INSTANCE.vocabularySize());
        return new RecordSet("qa", ids, null, tokens, NextTokenTargets.fromPosition(tokens, answerStarts));
    }

    /** A tiny gpt with room for the longest pair (69 bytes). */
    private static ModelHandle model(long seed) {
        return ModelHandle.create(GptFamily.spec("gpt:32,2,2,96", 256), seed);
    }

    private static final LmTrainConfig CONFIG = new LmTrainConfig(10, 4, 1e-2f, 4, 1e-3f, 0.01f, 1f, 17);

    @Test
    void theAnswerLossFallsFarBelowChanceAndTheSameSeedGivesTheSameWeights() {
        RecordSet records = pairs();
        List<Double> epochs = new ArrayList<>();
        TrainListener listener = new TrainListener() {
            @Override
            public void onEpochEnd(int epoch, double meanLoss) {
                epochs.add(meanLoss);
            }
        };
        try (ModelHandle a = model(9); ModelHandle b = model(9)) {
            TrainResult result = LmTraining.train(a, records, CONFIG, listener);
            LmTraining.train(b, records, CONFIG, TrainListener.NONE);
            assertThat(result.steps()).isEqualTo(10 * 2);
            assertThat(epochs).hasSize(10);
            // chance for a byte model is ln 256 = 5.55 nats; the first epoch starts near it, twenty updates get well below
            assertThat(epochs.get(0)).isGreaterThan(4.5);
            assertThat(epochs.get(9)).isLessThan(0.75 * epochs.get(0));
            assertThat(b.weightsDigest()).isEqualTo(a.weightsDigest());
            try (ModelHandle c = model(9)) {
                LmTraining.train(c, records, CONFIG.withEpochs(1).withSeed(18), TrainListener.NONE);
                try (ModelHandle d = model(9)) {
                    LmTraining.train(d, records, CONFIG.withEpochs(1), TrainListener.NONE);
                    assertThat(c.weightsDigest()).isNotEqualTo(d.weightsDigest());
                }
            }
        }
    }

    @Test
    void theWholeSequenceLossCountsThePromptsAndOnlyInTraining() throws Exception {
        RecordSet records = pairs();
        // Given a batch of the pairs: the record's own mask counts the answer, the whole-sequence mask every next token
        try (ModelHandle model = model(3); TensorData data = TensorData.of(records, model.manager());
             ai.djl.ndarray.NDManager scratch = model.manager().newSubManager()) {
            int[] positions = {0, 1};
            float answers = data.batch(positions, 0, 0, scratch, false).mask().sum().getFloat();
            float every = data.batch(positions, 0, 0, scratch, true).mask().sum().getFloat();
            TokenSequences tokens = (TokenSequences) records.content();
            int answerTargets = 0;
            for (int i : positions) {
                for (int t = 1; t < tokens.length(i); t++) {
                    answerTargets += records.targets() instanceof NextTokenTargets n && n.counts(i, t) ? 1 : 0;
                }
            }
            assertThat(answers).isEqualTo(answerTargets);
            assertThat(every).isEqualTo(tokens.length(0) - 1 + tokens.length(1) - 1).isGreaterThan(answers);
        }
        // When the same training runs with each loss, the weights differ, and each is reproducible
        LmTrainConfig answersOnly = new LmTrainConfig(2, 4, 1e-2f, 4, 1e-3f, 0f, 1f, 17, false);
        try (ModelHandle a = model(9); ModelHandle b = model(9); ModelHandle c = model(9)) {
            LmTraining.train(a, records, CONFIG.withEpochs(2), TrainListener.NONE);
            LmTraining.train(b, records, answersOnly, TrainListener.NONE);
            LmTraining.train(c, records, answersOnly, TrainListener.NONE);
            assertThat(b.weightsDigest()).isEqualTo(c.weightsDigest()).isNotEqualTo(a.weightsDigest());
        }
        // And the store records the flag only when it is on, so recipes written before it existed read back unchanged
        String on = dev.lethe.core.store.Store.json().writeValueAsString(CONFIG.toTrainConfig().schedule());
        String off = dev.lethe.core.store.Store.json().writeValueAsString(answersOnly.toTrainConfig().schedule());
        assertThat(dev.lethe.core.store.Store.json().readTree(on).path("wholeSequenceLoss").asBoolean()).isTrue();
        assertThat(off).doesNotContain("wholeSequenceLoss");
        assertThat(dev.lethe.core.store.Store.json().readValue(off, dev.lethe.core.store.TrainSchedule.class).wholeSequenceLoss()).isFalse();
        assertThat(LmTrainConfig.defaults(45, 1).wholeSequenceLoss()).isTrue();
    }

    @Test
    void theRecipeRefusesBadSettingsAndDataWithoutNextTokenTargets() {
        assertThat(LmTrainConfig.defaults(45, 1)).isEqualTo(new LmTrainConfig(45, 8, 3e-3f, 100, 3e-4f, 0f, 1f, 1, true));
        assertThatThrownBy(() -> new LmTrainConfig(1, 8, 1e-3f, 10, 2e-3f, 0f, 1f, 1)).hasMessageContaining("floor learning rate");
        assertThatThrownBy(() -> new LmTrainConfig(1, 8, 1e-3f, 10, 0f, 0f, 0f, 1)).hasMessageContaining("gradient-norm bound");
        RecordSet classifier = new RecordSet("points", new String[]{"a", "b"}, null, new float[]{0f, 1f}, new int[]{0, 1}, new int[]{1}, List.of("no", "yes"));
        try (ModelHandle model = model(1); ModelHandle small = ModelHandle.create(GptFamily.spec("gpt:32,2,2,40", 256), 1)) {
            assertThatThrownBy(() -> LmTraining.train(model, classifier, CONFIG, TrainListener.NONE))
                    .hasMessageContaining("a language model trains on token sequences");
            assertThatThrownBy(() -> LmTraining.train(small, pairs(), CONFIG, TrainListener.NONE))
                    .hasMessageContaining("record qa0 has 62 tokens, more than the model's context of 40");
        }
    }
}
