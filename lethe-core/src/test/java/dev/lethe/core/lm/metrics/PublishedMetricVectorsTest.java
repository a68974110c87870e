package dev.lethe.core.lm.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every hand-checked vector of ../shared/lm-metrics/test_vectors.json (copied to test resources)
 * against the metric implementations, with each vector's own tolerance.
 */
class PublishedMetricVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> vectors() throws IOException {
        try (InputStream in = PublishedMetricVectorsTest.class.getResourceAsStream("/lm-metrics/test_vectors.json")) {
            List<JsonNode> vectors = new ArrayList<>();
            JSON.readTree(in).get("vectors").forEach(vectors::add);
            return vectors;
        }
    }

    @Test
    void theFileHoldsAllSixtyVectors() throws IOException {
        assertThat(vectors()).hasSize(60);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void vectorMatchesItsExpectedValue(JsonNode vector) {
        JsonNode expected = vector.get("expected");
        Object got = evaluate(vector.get("fn").asText(), vector.get("args"), vector.path("kwargs"));
        String name = vector.get("name").asText();
        if (expected.isNull()) {
            assertThat(got).as(name).isNull();
        } else if (got instanceof List<?> tokens) {
            List<String> want = new ArrayList<>();
            expected.forEach(t -> want.add(t.asText()));
            assertThat(tokens).as(name).isEqualTo(want);
        } else if (expected.isArray()) {
            double[] want = doubles(expected);
            double[] have = got instanceof int[] ints ? IntStream.of(ints).asDoubleStream().toArray() : (double[]) got;
            assertThat(have).as(name).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertClose(name + "[" + i + "]", have[i], want[i], vector);
            }
        } else {
            assertThat(got).as(name).isInstanceOf(Double.class);
            assertClose(name, (Double) got, expected.asDouble(), vector);
        }
    }

    private static void assertClose(String name, double got, double want, JsonNode vector) {
        double tolerance = Math.max(vector.get("rel_tol").asDouble() * Math.abs(want), vector.get("abs_tol").asDouble());
        assertThat(Math.abs(got - want)).as("%s: got %s, expected %s", name, got, want).isLessThanOrEqualTo(tolerance);
    }

    private static Object evaluate(String fn, JsonNode args, JsonNode kwargs) {
        return switch (fn) {
            case "rouge_l_recall" -> Rouge.rougeLRecall(args.get(0).asText(), args.get(1).asText());
            case "rouge1_recall" -> Rouge.rouge1Recall(args.get(0).asText(), args.get(1).asText());
            case "rouge_l_f1" -> Rouge.rougeLF1(args.get(0).asText(), args.get(1).asText());
            case "rouge_tokenize" -> Rouge.tokenize(args.get(0).asText());
            case "answer_probability" -> AnswerProbability.of(doubles(args.get(0)));
            case "probability_w_options" -> AnswerProbability.withOptions(args.get(0).asDouble(), doubles(args.get(1)));
            case "truth_ratio" -> truthRatio(kwargs.path("mode").asText("ou"), args.get(0).asDouble(), doubles(args.get(1)));
            case "truth_ratio_aggregate" -> "closer_to_1_better".equals(args.get(1).asText())
                    ? TruthRatio.closerToOneBetter(doubles(args.get(0)))
                    : TruthRatio.trueBetter(doubles(args.get(0)));
            case "ks_2samp_exact" -> {
                KolmogorovSmirnov.Result r = KolmogorovSmirnov.twoSample(doubles(args.get(0)), doubles(args.get(1)));
                yield new double[]{r.statistic(), r.pValue()};
            }
            case "ks_separated" -> {
                int n = args.get(0).asInt();
                yield KolmogorovSmirnov.pValue(IntStream.range(0, n).asDoubleStream().toArray(),
                        IntStream.range(n, 2 * n).asDoubleStream().toArray());
            }
            case "forget_quality" -> KolmogorovSmirnov.pValue(doubles(args.get(0)), doubles(args.get(1)));
            case "harmonic_mean" -> HarmonicMean.of(doubles(args.get(0)));
            case "model_utility" -> HarmonicMean.modelUtility(doubles(args.get(0)));
            case "auc" -> MiaAuc.auc(ints(args.get(0)), doubles(args.get(1)));
            case "mia_auc" -> MiaAuc.of(doubles(args.get(0)), doubles(args.get(1)));
            case "privleak" -> "muse".equals(kwargs.path("convention").asText())
                    ? MiaAuc.privLeakFromOneMinusAuc(args.get(0).asDouble(), args.get(1).asDouble())
                    : MiaAuc.privLeak(args.get(0).asDouble(), args.get(1).asDouble());
            case "min_k" -> MiaScores.minK(doubles(args.get(0)), args.get(1).asDouble());
            case "min_k_neg_range" -> MiaScores.minK(
                    IntStream.range(0, args.get(0).asInt()).mapToDouble(i -> -i).toArray(), args.get(1).asDouble());
            case "min_k_plus_plus" -> MiaScores.minKPlusPlus(doubles(args.get(0)), doubles(args.get(1)),
                    doubles(args.get(2)), args.get(3).asDouble());
            case "zlib_score" -> MiaScores.zlib(args.get(0).asDouble(), args.get(1).asText());
            case "exact_memorization" -> Memorization.exactMemorization(ints(args.get(0)), ints(args.get(1)));
            case "extraction_strength" -> kwargs.path("strict").asBoolean(false)
                    ? Memorization.extractionStrengthStrict(ints(args.get(0)), ints(args.get(1)))
                    : Memorization.extractionStrength(ints(args.get(0)), ints(args.get(1)));
            case "drop_final_token" -> Memorization.dropFinalToken(ints(args.get(0)));
            default -> throw new IllegalArgumentException("no implementation mapped for vector function " + fn);
        };
    }

    private static double truthRatio(String mode, double correct, double[] wrong) {
        return switch (mode) {
            case "ou" -> TruthRatio.of(correct, wrong);
            case "tofu" -> TruthRatio.legacyTofu(correct, wrong);
            case "prob_mean" -> TruthRatio.extentOfKnowledge(correct, wrong);
            default -> throw new IllegalArgumentException("unknown truth-ratio mode " + mode);
        };
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
