package dev.lethe.core.lm.evallog;

import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.metrics.MiaAuc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Forget quality and PrivLeak against a small hand-written retain log in OpenUnlearning's layout. */
class OpenUnlearningRetainLogTest {

    @TempDir
    Path dir;

    private static Path ouRetainLog() throws URISyntaxException {
        return Path.of(OpenUnlearningRetainLogTest.class.getResource("/lm-evallog/ou-retain/TOFU_EVAL.json").toURI());
    }

    /** Items whose truth ratio is e^-3 / (e^-1 + 1e-10) ≈ 0.135, below every retain-log score, and whose loss is {@code nll}. */
    private static List<ItemScores> items(String split, int count, double nll) {
        List<ItemScores> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new ItemScores(i, SyntheticItems.question(split, i), "A poet.", new int[]{65, 32, 112, 10},
                    new double[]{nll, nll, nll, nll}, new int[]{65, 32, 112, 10}, new double[]{-1, -1, -1, -1},
                    new double[]{0.5, 0.5, 0.5, 0.5}, 1.0, new double[]{3.0}, "A poet."));
        }
        return items;
    }

    private static Map<EvalSplit, List<ItemScores>> splits(List<ItemScores> forget) {
        Map<EvalSplit, List<ItemScores>> splits = new EnumMap<>(EvalSplit.class);
        splits.put(EvalSplit.FORGET, forget);
        splits.put(EvalSplit.HOLDOUT, items("holdout", 4, 3.0));
        return splits;
    }

    @Test
    void forgetQualityIsTheExactKsPValueAgainstTheRetainModelsPerItemTruthRatios() throws URISyntaxException {
        TofuEvalLog log = TofuEvalLogBuilder.build(splits(items("forget", 4, 0.1)), Optional.of(RetainLog.read(ouRetainLog())));

        // our four ratios (≈ 0.135) all lie below the retain log's (0.5..0.8): D = 1, p = 2 / C(8, 4) = 1/35
        assertThat(log.aggregate(TofuMetricNames.FORGET_QUALITY)).hasValueSatisfying(
                p -> assertThat(p).isCloseTo(1.0 / 35, org.assertj.core.data.Offset.offset(1e-15)));
        // forget loss 0.1 < holdout loss 3.0: min-k AUC 1 against the retain log's 0.4 -> about -100 (under-unlearned)
        assertThat(log.aggregate(TofuMetricNames.MIA_MIN_K)).hasValue(1.0);
        assertThat(log.aggregate(TofuMetricNames.PRIVLEAK)).hasValue(MiaAuc.privLeak(1.0, 0.4));
        assertThat(log.aggregate(TofuMetricNames.PRIVLEAK).orElseThrow()).isCloseTo(-100, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(log.notComputed()).doesNotContainKey(TofuMetricNames.FORGET_QUALITY);
    }

    @Test
    void aRetainLogOfAnotherForgetSplitIsRefused() throws URISyntaxException {
        RetainLog retain = RetainLog.read(ouRetainLog());
        assertThatThrownBy(() -> TofuEvalLogBuilder.build(splits(items("forget", 5, 0.1)), Optional.of(retain)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another forget split or question set")
                .hasMessageContaining("4 items").hasMessageContaining("5 items");
    }

    @Test
    void aRetainLogOfOtherQuestionsIsRefused() throws URISyntaxException {
        List<ItemScores> forget = new ArrayList<>(items("forget", 4, 0.1));
        ItemScores second = forget.get(2);
        forget.set(2, new ItemScores(2, "Where was the author born?", second.answer(), second.answerTokens(), second.answerTokenNlls(),
                second.answerArgmax(), second.expectedLogProbs(), second.logProbVariances(), second.paraphrasedMeanNll(),
                second.perturbedMeanNlls(), second.generation()));
        RetainLog retain = RetainLog.read(ouRetainLog());
        assertThatThrownBy(() -> TofuEvalLogBuilder.build(splits(forget), Optional.of(retain)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another question at forget item 2");
    }

    @Test
    void readsPythonsBareNanAsOpenUnlearningMayWriteIt() throws Exception {
        java.nio.file.Files.writeString(dir.resolve(TofuEvalLog.EVAL_FILE),
                "{\"forget_truth_ratio\": {\"agg_value\": NaN, \"value_by_index\": {\"0\": {\"score\": 0.5}}}}");
        RetainLog retain = RetainLog.read(dir);
        assertThat(retain.forgetTruthRatiosFor(items("forget", 1, 0.1))).containsExactly(0.5);
        assertThat(retain.minKAuc()).isEmpty();
    }

    @Test
    void aMissingOrForeignLogIsRefusedWithWhatToGive() {
        assertThatThrownBy(() -> RetainLog.read(dir.resolve("nowhere")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TOFU_EVAL.json");
        TofuEvalLogBuilder.build(Map.of(EvalSplit.RETAIN, items("retain", 3, 1.0))).write(dir);
        assertThatThrownBy(() -> RetainLog.read(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no forget_truth_ratio");
    }
}
