package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.metrics.AnswerProbability;
import dev.lethe.core.lm.metrics.HarmonicMean;
import dev.lethe.core.lm.metrics.KolmogorovSmirnov;
import dev.lethe.core.lm.metrics.Memorization;
import dev.lethe.core.lm.metrics.MiaAuc;
import dev.lethe.core.lm.metrics.MiaScores;
import dev.lethe.core.lm.metrics.Rouge;
import dev.lethe.core.lm.metrics.TruthRatio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes a log from synthetic scores, reads it back, and recomputes every aggregate from the per-item
 * values with the metric definitions: from Lethe's raw inputs and from OpenUnlearning's per-item keys.
 */
class TofuEvalLogRoundTripTest {

    @TempDir
    Path dir;

    private static Map<EvalSplit, List<ItemScores>> splits(long seed) {
        Map<EvalSplit, List<ItemScores>> splits = new EnumMap<>(EvalSplit.class);
        splits.put(EvalSplit.FORGET, SyntheticItems.items("forget", 40, 5, seed));
        splits.put(EvalSplit.RETAIN, SyntheticItems.items("retain", 30, 5, seed + 1));
        splits.put(EvalSplit.REAL_AUTHORS, SyntheticItems.items("ra", 12, 4, seed + 2));
        splits.put(EvalSplit.WORLD_FACTS, SyntheticItems.items("wf", 12, 4, seed + 3));
        splits.put(EvalSplit.HOLDOUT, SyntheticItems.items("holdout", 40, 0, seed + 4));
        return splits;
    }

    @Test
    void everyAggregateIsRecomputedFromThePerItemValuesOfTheWrittenLog() throws IOException {
        Path retainDir = dir.resolve("retain");
        TofuEvalLogBuilder.build(splits(99)).write(retainDir);
        TofuEvalLogBuilder.build(splits(7), Optional.of(RetainLog.read(retainDir))).write(dir.resolve("unlearned"));

        JsonNode log = new ObjectMapper().readTree(dir.resolve("unlearned").resolve(TofuEvalLog.EVAL_FILE).toFile());
        JsonNode retainLog = new ObjectMapper().readTree(retainDir.resolve(TofuEvalLog.EVAL_FILE).toFile());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("unlearned").resolve(TofuEvalLog.SUMMARY_FILE).toFile());

        int checked = 0;
        for (EvalSplit split : List.of(EvalSplit.FORGET, EvalSplit.RETAIN, EvalSplit.REAL_AUTHORS, EvalSplit.WORLD_FACTS)) {
            List<JsonNode> raw = items(log.get(TofuMetricNames.rawInputs(split)));
            boolean paraphraseSplit = split == EvalSplit.FORGET || split == EvalSplit.RETAIN;
            checked += check(log, TofuMetricNames.probability(split), raw, r -> AnswerProbability.of(doubles(r.get("token_nlls"))), "prob");
            checked += check(log, TofuMetricNames.rouge(split), raw,
                    r -> Rouge.rougeLRecall(r.get("generation").asText(), r.get("answer").asText()), "rougeL_recall");
            checked += check(log, TofuMetricNames.perturbedProbability(split), raw,
                    r -> mean(doubles(r.get("perturbed_mean_nlls")), AnswerProbability::fromMeanNll), null);
            double[] ratios = raw.stream().mapToDouble(r -> TruthRatio.of(paraphraseSplit
                    ? r.get("paraphrased_mean_nll").asDouble() : AnswerProbability.meanNll(doubles(r.get("token_nlls"))),
                    doubles(r.get("perturbed_mean_nlls")))).toArray();
            String truthRatio = TofuMetricNames.truthRatio(split);
            assertClose(log.get(truthRatio).get("agg_value").asDouble(),
                    split == EvalSplit.FORGET ? TruthRatio.closerToOneBetter(ratios) : TruthRatio.trueBetter(ratios), truthRatio);
            checked++;
            if (paraphraseSplit) {
                checked += check(log, TofuMetricNames.paraphrasedProbability(split), raw,
                        r -> AnswerProbability.fromMeanNll(r.get("paraphrased_mean_nll").asDouble()), "prob");
            } else {
                checked += check(log, TofuMetricNames.normalisedProbability(split), raw, r -> AnswerProbability.withOptions(
                        AnswerProbability.meanNll(doubles(r.get("token_nlls"))), doubles(r.get("perturbed_mean_nlls"))), "prob");
            }
        }
        List<JsonNode> forget = items(log.get(TofuMetricNames.rawInputs(EvalSplit.FORGET)));
        List<JsonNode> holdout = items(log.get(TofuMetricNames.rawInputs(EvalSplit.HOLDOUT)));
        checked += check(log, TofuMetricNames.EXTRACTION_STRENGTH, forget, r -> Memorization.extractionStrength(
                Memorization.dropFinalToken(ints(r.get("answer_tokens"))), Memorization.dropFinalToken(ints(r.get("argmax_tokens")))), "score");
        checked += check(log, TofuMetricNames.EXACT_MEMORIZATION, forget, r -> Memorization.exactMemorization(
                Memorization.dropFinalToken(ints(r.get("answer_tokens"))), Memorization.dropFinalToken(ints(r.get("argmax_tokens")))), "score");

        ToDoubleFunction<JsonNode> loss = r -> AnswerProbability.meanNll(doubles(r.get("token_nlls")));
        checked += checkMia(log, TofuMetricNames.MIA_LOSS, forget, holdout, loss);
        checked += checkMia(log, TofuMetricNames.MIA_ZLIB, forget, holdout, r -> MiaScores.zlib(loss.applyAsDouble(r), r.get("answer").asText()));
        checked += checkMia(log, TofuMetricNames.MIA_MIN_K, forget, holdout, r -> MiaScores.minK(logProbs(r), MiaScores.TOFU_K));
        checked += checkMia(log, TofuMetricNames.MIA_MIN_K_PLUS_PLUS, forget, holdout, r -> MiaScores.minKPlusPlus(logProbs(r),
                Memorization.dropFinalToken(doubles(r.get("expected_log_probs"))),
                Memorization.dropFinalToken(doubles(r.get("log_prob_variances"))), MiaScores.TOFU_K));

        double[] utilityParts = TofuEvalLogBuilder.MODEL_UTILITY_PARTS.stream()
                .mapToDouble(name -> log.get(name).get("agg_value").asDouble()).toArray();
        assertClose(log.get(TofuMetricNames.MODEL_UTILITY).get("agg_value").asDouble(), HarmonicMean.modelUtility(utilityParts), "model_utility");

        double[] ours = scores(log.get(TofuMetricNames.FORGET_TRUTH_RATIO));
        double[] theirs = scores(retainLog.get(TofuMetricNames.FORGET_TRUTH_RATIO));
        assertThat(log.get(TofuMetricNames.FORGET_QUALITY).get("agg_value").asDouble()).as("forget_quality, exact KS")
                .isEqualTo(KolmogorovSmirnov.pValue(ours, theirs));
        assertClose(log.get(TofuMetricNames.PRIVLEAK).get("agg_value").asDouble(), MiaAuc.privLeak(
                log.get(TofuMetricNames.MIA_MIN_K).get("agg_value").asDouble(),
                retainLog.get(TofuMetricNames.MIA_MIN_K).get("agg_value").asDouble()), "privleak");
        checked += 3;

        assertThat(checked).isEqualTo(4 * 5 + 2 + 4 + 3);
        log.fieldNames().forEachRemaining(name -> {
            JsonNode agg = log.get(name).get("agg_value");
            if (agg != null && agg.isNumber()) {
                assertThat(summary.get(name).asDouble()).as("summary of " + name).isEqualTo(agg.asDouble());
            }
        });
        assertThat(summary.has(TofuMetricNames.FORGET_QUALITY)).isTrue();
    }

    @Test
    void withoutARetainLogForgetQualityIsNotComputedAndModelUtilityNamesWhatIsMissing() {
        Map<EvalSplit, List<ItemScores>> splits = splits(3);
        splits.remove(EvalSplit.WORLD_FACTS);
        TofuEvalLog log = TofuEvalLogBuilder.build(splits);
        log.write(dir);
        TofuEvalLog read = TofuEvalLog.read(dir);

        assertThat(read.aggregate(TofuMetricNames.FORGET_QUALITY)).isEmpty();
        assertThat(read.notComputed()).containsEntry(TofuMetricNames.FORGET_QUALITY, "not computed: no retain log");
        assertThat(read.notComputed().get(TofuMetricNames.MODEL_UTILITY)).startsWith("not computed: missing wf_Q_A_Prob_normalised");
        assertThat(read.summary()).doesNotContainKeys(TofuMetricNames.FORGET_QUALITY, TofuMetricNames.MODEL_UTILITY)
                .containsKeys(TofuMetricNames.FORGET_TRUTH_RATIO, "retain_Q_A_ROUGE", TofuMetricNames.PRIVLEAK);
        assertThat(read.metric("wf_Q_A_Prob")).isEmpty();
        assertThat(read.metric(TofuMetricNames.PRIVLEAK).orElseThrow().get("lethe_reference_auc").asDouble())
                .isEqualTo(TofuEvalLogBuilder.DEFAULT_REFERENCE_AUC);
    }

    private static int check(JsonNode log, String metric, List<JsonNode> raw, ToDoubleFunction<JsonNode> definition, String ouKey) {
        JsonNode entry = log.get(metric);
        assertThat(entry).as(metric).isNotNull();
        double fromRaw = raw.stream().mapToDouble(definition).average().orElseThrow();
        assertClose(entry.get("agg_value").asDouble(), fromRaw, metric + " from Lethe's raw inputs");
        if (ouKey != null) {
            double fromOu = items(entry).stream().mapToDouble(v -> v.get(ouKey).asDouble()).average().orElseThrow();
            assertClose(entry.get("agg_value").asDouble(), fromOu, metric + " from OpenUnlearning's per-item " + ouKey);
        }
        return 1;
    }

    private static int checkMia(JsonNode log, String metric, List<JsonNode> forget, List<JsonNode> holdout, ToDoubleFunction<JsonNode> score) {
        JsonNode entry = log.get(metric);
        double fromRaw = MiaAuc.of(forget.stream().mapToDouble(score).toArray(), holdout.stream().mapToDouble(score).toArray());
        assertClose(entry.get("agg_value").asDouble(), fromRaw, metric + " from Lethe's raw inputs");
        assertClose(entry.get("auc").asDouble(), MiaAuc.of(scores(entry.get("forget")), scores(entry.get("holdout"))),
                metric + " from OpenUnlearning's per-item scores");
        return 1;
    }

    private static void assertClose(double got, double want, String what) {
        assertThat(Math.abs(got - want)).as("%s: %s vs %s", what, got, want).isLessThanOrEqualTo(1e-9 * Math.abs(want));
    }

    private static List<JsonNode> items(JsonNode entry) {
        List<JsonNode> items = new ArrayList<>();
        entry.get("value_by_index").forEach(items::add);
        return items;
    }

    private static double[] scores(JsonNode entry) {
        return items(entry).stream().mapToDouble(v -> v.get("score").asDouble()).toArray();
    }

    private static double[] logProbs(JsonNode raw) {
        double[] nlls = Memorization.dropFinalToken(doubles(raw.get("token_nlls")));
        for (int i = 0; i < nlls.length; i++) {
            nlls[i] = -nlls[i];
        }
        return nlls;
    }

    private static double mean(double[] values, java.util.function.DoubleUnaryOperator f) {
        double sum = 0;
        for (double v : values) {
            sum += f.applyAsDouble(v);
        }
        return sum / values.length;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
