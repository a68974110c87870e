package dev.lethe.torch.sisa;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.InMemoryCheckpointStore;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.eval.ScoredLanguageModel;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ParameterValues;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.task.TaskMetrics;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A language model's SISA ensemble generates from, and is scored by, the mean of its shards' next-token distributions:
 * with one shard exactly the shard model; with two hand-made shards, the mean of their probabilities and not of their
 * logits.
 */
class SisaEnsembleGenerationTest {

    private static final int VOCABULARY = ByteTokenizer.INSTANCE.vocabularySize();
    private static final int NEWLINE = ByteTokenizer.INSTANCE.encode(QaFormat.END_OF_ANSWER)[0];

    @Test
    void oneShardGeneratesAndScoresAsItsOwnModel() throws Exception {
        // Given a one-shard SISA training on the authors' questions and answers, and its shard model on its own
        SisaConfig config = new SisaConfig(new ShardPlan(1, 1, Assignment.SUBJECT, 42), AuthorQa.TINY_LM,
                new TrainConfig(6, 4, OptimizerKind.ADAM, 3e-2f, 0f, 0f, 42), Aggregation.MEAN_SOFTMAX, 2);
        RecordSet records = AuthorQa.records("author-qa", "qa");
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        List<CheckpointKey> keys = new SisaTrainer(config, store, Device.cpu()).trainAll(records, config.plan().place(records));
        try (SisaEnsemble ensemble = SisaEnsemble.load(store, keys, config.aggregation(), Device.cpu());
             SisaCheckpoint alone = SisaCheckpoint.load(store, keys.get(0), Device.cpu())) {
            ModelHandle model = alone.model();

            // Then greedy answers to every author's question are the shard model's own
            GenerationConfig greedy = GenerationConfig.greedy(24, NEWLINE);
            List<String> answers = new ArrayList<>();
            for (String author : AuthorQa.AUTHORS) {
                int[] prompt = ByteTokenizer.INSTANCE.encode(QaFormat.prompt("Where was " + author + " born?"));
                int[] fromEnsemble = ensemble.generate(prompt, greedy);
                assertThat(fromEnsemble).as(author).containsExactly(Generator.generate(model, prompt, greedy));
                answers.add(ByteTokenizer.INSTANCE.decode(fromEnsemble));
            }
            // (a trained bigram table continues with the answers' most common bytes: not empty, no stop token inside)
            assertThat(answers).allSatisfy(a -> assertThat(a).isNotEmpty().doesNotContain("\n"));
            // and sampled ones too, seed by seed
            int[] question = ByteTokenizer.INSTANCE.encode(QaFormat.prompt("What genre does Dov Hale write?"));
            for (long seed = 0; seed < 4; seed++) {
                GenerationConfig sampled = new GenerationConfig(16, 0.8f, 10, seed, NEWLINE, true);
                assertThat(ensemble.generate(question, sampled)).as("seed %d", seed).containsExactly(Generator.generate(model, question, sampled));
            }

            // And the ensemble's token loss and perplexity are the model's
            TaskMetrics own;
            try (TensorData data = TensorData.of(records, model.manager())) {
                own = new Evaluator().metrics(model, data);
            }
            TaskMetrics mixed = ensemble.metrics(records);
            assertThat(mixed.value("token-loss")).isCloseTo(own.value("token-loss"), within(1e-5));
            assertThat(mixed.value("tokens")).isEqualTo(own.value("tokens"));
            assertThat(mixed.value("token-loss")).isLessThan(0.8 * Math.log(VOCABULARY));

        }
    }

    @Test
    void tofuScoringOfAOneShardEnsembleAsALanguageModelGivesItsModelsScoresAndAnswers() {
        // Given a one-shard gpt ensemble and the shard model on its own
        ModelSpec spec = GptFamily.spec("gpt:16,1,2,96", VOCABULARY);
        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(ModelHandle.create(spec, 3, Device.cpu())), Aggregation.MEAN_SOFTMAX)) {
            ModelHandle model = ensemble.shards().get(0);
            LmScorer scorer = new LmScorer(ByteTokenizer.INSTANCE, new LmScorer.Options(4, true, false, 12));
            List<QaItem> items = List.of(QaItem.of(0, "Where was Dov Hale born?", "In a small town.", "Dov Hale"),
                    QaItem.of(1, "What genre does Dov Hale write?", "Poems.", "Dov Hale"));
            ScoredLanguageModel mixture = ensemble.asLanguageModel();
            // When both are scored as TOFU scores a model, answers included
            List<ItemScores> viaEnsemble = scorer.score(mixture, items, new GreedyAnswerer(mixture, ByteTokenizer.INSTANCE, 12));
            List<ItemScores> viaModel = scorer.score(model, items);
            // Then the mixture of one shard is the model: the same NLLs, argmaxes and greedy answers
            for (int i = 0; i < items.size(); i++) {
                assertThat(viaEnsemble.get(i).meanNll()).isCloseTo(viaModel.get(i).meanNll(), within(1e-5));
                assertThat(viaEnsemble.get(i).answerArgmax()).containsExactly(viaModel.get(i).answerArgmax());
                assertThat(viaEnsemble.get(i).generation()).isEqualTo(viaModel.get(i).generation()).isNotNull();
            }
            assertThat(mixture.context()).isEqualTo(96);
            assertThat(mixture.vocabularySize()).isEqualTo(VOCABULARY);
        }
    }

    @Test
    void aGptEnsembleGeneratesWithinItsContextAndRefusesALongerPrompt() {
        // Given two untrained shards of a gpt with a context of 32 tokens
        ModelSpec spec = GptFamily.spec("gpt:16,1,2,32", VOCABULARY);
        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(ModelHandle.create(spec, 1, Device.cpu()), ModelHandle.create(spec, 2, Device.cpu())),
                Aggregation.MEAN_SOFTMAX)) {
            // Then a prompt of 30 tokens gets at most the 2 tokens that fill the context
            int[] prompt = new int[30];
            java.util.Arrays.fill(prompt, 'a');
            assertThat(ensemble.generate(prompt, GenerationConfig.greedy(10, -1))).hasSize(2);
            // And a prompt that fills the context is refused with both lengths
            assertThatThrownBy(() -> ensemble.generate(new int[32], GenerationConfig.greedy(1, -1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the prompt is 32 tokens").hasMessageContaining("context of 32 tokens")
                    .hasMessageContaining("shorten the prompt to at most 31 tokens");
        }
    }

    @Test
    void aGptEnsembleDecodesWithEachShardsKvCacheAsWithFullForwardPasses() {
        // Given two gpt shards with different weights
        ModelSpec spec = GptFamily.spec("gpt:32,2,2,64", VOCABULARY);
        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(ModelHandle.create(spec, 5, Device.cpu()), ModelHandle.create(spec, 9, Device.cpu())),
                Aggregation.MEAN_SOFTMAX)) {
            int[] prompt = {81, 117, 101, 115, 116, 105, 111, 110, 58, 32};
            // Then greedy decoding through each shard's KV cache gives the tokens of full forward passes over the sequence
            GenerationConfig greedy = GenerationConfig.greedy(30, -1);
            int[] cached = ensemble.generate(prompt, greedy);
            assertThat(cached).hasSize(30).containsExactly(ensemble.generate(prompt, greedy.withCache(false)));
            // and its first token is the argmax of the mixture after the prompt
            float[] first = ensemble.nextTokenDistribution(prompt, 0f);
            int argmax = 0;
            for (int t = 1; t < first.length; t++) {
                argmax = first[t] > first[argmax] ? t : argmax;
            }
            assertThat(cached[0]).isEqualTo(argmax);
            // And sampling follows the seed on both paths
            GenerationConfig sampled = new GenerationConfig(20, 1.2f, 30, 3L, -1, true);
            int[] drawn = ensemble.generate(prompt, sampled);
            assertThat(ensemble.generate(prompt, sampled.withCache(false))).containsExactly(drawn);
            assertThat(ensemble.generate(prompt, new GenerationConfig(20, 1.2f, 30, 4L, -1, true))).isNotEqualTo(drawn);
        }
    }

    /**
     * A model that predicts the same logits at every position: every weight zero and the output bias {@code logits}.
     */
    private static ModelHandle constant(float[] logits) {
        ModelHandle model = ModelHandle.create(AuthorQa.TINY_LM, 1, Device.cpu());
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray array = p.getValue().getArray();
            if (p.getKey().endsWith("bias")) {
                ParameterValues.assign(array, logits);
            } else {
                ParameterValues.assign(array, new float[(int) array.size()]);
            }
        }
        return model;
    }

    private static float[] logits(int[] tokens, float[] values) {
        float[] z = new float[VOCABULARY];
        for (int i = 0; i < tokens.length; i++) {
            z[tokens[i]] = values[i];
        }
        return z;
    }

    private static double[] softmax(float[] z) {
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i]);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void twoShardsMixTheirProbabilitiesNotTheirLogits() {
        // Given shard a sure of 'A' and shard b nearly sure of 'B' and sure it is not 'A':
        // the mean of their logits favours 'B' (5 against −10), the mean of their probabilities 'A' (0.5 against 0.494)
        int a = 'A';
        int b = 'B';
        float[] za = logits(new int[]{a}, new float[]{20f});
        float[] zb = logits(new int[]{a, b}, new float[]{-40f, 10f});
        double[] expected = new double[VOCABULARY];
        double[] pa = softmax(za);
        double[] pb = softmax(zb);
        for (int t = 0; t < VOCABULARY; t++) {
            expected[t] = (pa[t] + pb[t]) / 2;
        }
        assertThat((za[b] + zb[b]) / 2).isGreaterThan((za[a] + zb[a]) / 2);
        assertThat(expected[a]).isGreaterThan(expected[b]);

        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(constant(za), constant(zb)), Aggregation.MEAN_SOFTMAX)) {
            // Then the ensemble's next-token distribution is the mean of the two, whatever came before
            float[] distribution = ensemble.nextTokenDistribution(new int[]{'x', 'y'}, 0f);
            for (int t = 0; t < VOCABULARY; t++) {
                assertThat((double) distribution[t]).as("token %d", t).isCloseTo(expected[t], within(1e-6));
            }
            // And greedy generation takes its most likely token, 'A', every step
            assertThat(ensemble.generate(new int[]{'x'}, GenerationConfig.greedy(3, -1))).containsExactly(a, a, a);

            // And sampling draws from it: 'A' and 'B' each about half the time over 400 seeds (binomial sd 0.025), and the
            // other 254 tokens share the remaining 0.6 % (2.3 draws expected)
            int[] counts = new int[VOCABULARY];
            for (long seed = 0; seed < 400; seed++) {
                counts[ensemble.generate(new int[]{'x'}, new GenerationConfig(1, 1f, 0, seed, -1, true))[0]]++;
            }
            assertThat(counts[a] / 400.0).isBetween(0.4, 0.6);
            assertThat(counts[b] / 400.0).isBetween(0.39, 0.6);
            assertThat(400 - counts[a] - counts[b]).isLessThanOrEqualTo(12);
            // and top-k 1 leaves only the most likely token
            assertThat(ensemble.generate(new int[]{'x'}, new GenerationConfig(4, 1f, 1, 7, -1, true))).containsExactly(a, a, a, a);

            // And a record's token loss is the mean negative log of the mixture's probability of its tokens
            int[] text = {'x', 'A', 'B', 'A'};
            TokenSequences seqs = TokenSequences.of(List.of(text), VOCABULARY);
            RecordSet record = new RecordSet("one", new String[]{"r0"}, null, seqs, dev.lethe.core.data.NextTokenTargets.allTokens(seqs));
            double loss = -(2 * Math.log(expected[a]) + Math.log(expected[b])) / 3;
            assertThat(ensemble.metrics(record).value("token-loss")).isCloseTo(loss, within(1e-4));

            // And a prompt outside the vocabulary is refused with the position and the range
            assertThatThrownBy(() -> ensemble.generate(new int[]{'x', 300}, GenerationConfig.greedy(1, -1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt token 1 is 300, outside the model's vocabulary 0..255");
        }
    }

    @Test
    void posteriorWeighingFollowsTheShardThatExplainsTheTextSoFar() {
        // Given shard a sure of 'A' and shard b nearly sure of 'B' (and sure it is not 'A'), each the same after any prefix
        int a = 'A';
        int b = 'B';
        float[] za = logits(new int[]{a}, new float[]{20f});
        float[] zb = logits(new int[]{a, b}, new float[]{-40f, 10f});
        double[] pa = softmax(za);
        double[] pb = softmax(zb);
        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(constant(za), constant(zb)), Aggregation.MEAN_SOFTMAX)) {
            // When the text x B B A is scored by the sequence mixture
            int[] text = {'x', 'B', 'B', 'A'};
            float[] scored;
            try (NDManager m = ensemble.shards().get(0).manager().newSubManager()) {
                NDArray ids = m.create(new long[]{'x', 'B', 'B', 'A'}, new Shape(1, 4));
                scored = ensemble.asLanguageModel(ShardWeighting.POSTERIOR).logProbabilities(new NDList(ids)).toFloatArray();
            }
            // Then at each position the next token's log-probability is log Σ_s w_s p_s, w_s ∝ p_s(text so far), by hand
            double likelihoodA = 1;
            double likelihoodB = 1;
            for (int t = 0; t < 3; t++) {
                int next = text[t + 1];
                double wa = likelihoodA / (likelihoodA + likelihoodB);
                double expected = Math.log(wa * pa[next] + (1 - wa) * pb[next]);
                assertThat((double) scored[t * VOCABULARY + next]).as("position %d", t).isCloseTo(expected, within(1e-4));
                likelihoodA *= pa[next];
                likelihoodB *= pb[next];
            }
            // (after one 'B' the mixture is shard b's: 'B' at its probability under b, 0.989, where the mean gives it 0.494)
            assertThat(Math.exp(scored[VOCABULARY + b])).isCloseTo(pb[b], within(1e-4)).isGreaterThan(0.98);

            // And greedy generation weighs the same way: after x B shard b speaks, where the mean still says A
            GenerationConfig greedy = GenerationConfig.greedy(3, -1);
            assertThat(ensemble.generate(new int[]{'x', 'B'}, greedy, ShardWeighting.POSTERIOR)).containsExactly(b, b, b);
            assertThat(ensemble.generate(new int[]{'x', 'B'}, greedy, ShardWeighting.MEAN)).containsExactly(a, a, a);
            // and from x alone the first step is the mean's choice, A, after which shard a explains the text
            assertThat(ensemble.generate(new int[]{'x'}, greedy, ShardWeighting.POSTERIOR)).containsExactly(a, a, a);
        }
    }

    @Test
    void posteriorGenerationDecodesTheTokensItsOwnScoringRanksFirst() {
        // Given two gpt shards with different weights
        ModelSpec spec = GptFamily.spec("gpt:32,2,2,64", VOCABULARY);
        try (SisaEnsemble ensemble = new SisaEnsemble(List.of(ModelHandle.create(spec, 5, Device.cpu()), ModelHandle.create(spec, 9, Device.cpu())),
                Aggregation.MEAN_SOFTMAX)) {
            int[] prompt = {81, 117, 101, 115, 116, 105, 111, 110, 58, 32};
            // When the posterior mixture decodes greedily through the shards' KV caches, and then scores prompt + answer
            int[] answer = ensemble.generate(prompt, GenerationConfig.greedy(20, -1), ShardWeighting.POSTERIOR);
            assertThat(answer).hasSize(20).containsExactly(ensemble.generate(prompt, GenerationConfig.greedy(20, -1).withCache(false),
                    ShardWeighting.POSTERIOR));
            long[] all = new long[prompt.length + answer.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i < prompt.length ? prompt[i] : answer[i - prompt.length];
            }
            try (NDManager m = ensemble.shards().get(0).manager().newSubManager()) {
                NDArray scores = ensemble.asLanguageModel(ShardWeighting.POSTERIOR)
                        .logProbabilities(new NDList(m.create(all, new Shape(1, all.length)))).get(0);
                // Then every decoded token is the scoring's most likely one at its position (up to float rounding)
                for (int k = 0; k < answer.length; k++) {
                    float[] row = scores.get(prompt.length - 1 + k).toFloatArray();
                    float best = row[0];
                    for (float v : row) {
                        best = Math.max(best, v);
                    }
                    assertThat(row[answer[k]]).as("step %d", k).isCloseTo(best, within(1e-4f));
                }
            }
        }
    }
}
