package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is specific to the baselines and the gradient methods, each with a non-default option. */
class BasicMethodsTest {

    private static UnlearningRun run(String method, Map<String, String> options, ModelHandle original) {
        return UnlearningRun.run(UnlearningMethods.get(method), options, original, ClassForgetting.DATA, ClassForgetting.context(3));
    }

    @Test
    void retrainNeverSeesTheForgetSetAndIgnoresTheOriginalWeights() {
        try (ModelHandle original = ClassForgetting.original();
             ModelHandle other = ModelHandle.create(original.spec(), 999);
             UnlearningRun a = run(Retrain.NAME, Map.of("epochs", "5"), original);
             UnlearningRun b = run(Retrain.NAME, Map.of("retrain.epochs", "5"), other)) {
            assertThat(a.model().weightsDigest()).isEqualTo(b.model().weightsDigest());
            assertThat(ClassForgetting.accuracies(a.model())[0]).isZero();
        }
    }

    @Test
    void finetuneAloneBarelyForgets() {
        try (ModelHandle original = ClassForgetting.original(); UnlearningRun run = run(Finetune.NAME, Map.of("epochs", "1"), original)) {
            double[] acc = ClassForgetting.accuracies(run.model());
            assertThat(Spread.measure("finetune(1 epoch) forget-acc", acc[0]))
                    .as("a baseline that relies on catastrophic forgetting keeps most of the class").isGreaterThan(0.5);
            assertThat(Spread.measure("finetune(1 epoch) retain-acc", acc[1])).isGreaterThanOrEqualTo(0.94); // measured 0.966..0.991
        }
    }

    @Test
    void gradientAscentStopsPushingRecordsAboveTheCeiling() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = run(GradientAscent.NAME, Map.of("lossCeiling", "1e-9"), original)) {
            // every record's loss is above the ceiling from the start: no gradient, no change
            assertThat(run.model().weightsDigest()).isEqualTo(original.weightsDigest());
        }
    }

    @Test
    void randomLabelsAreWrongAndAPureFunctionOfTheRecordId() {
        RecordSet forget = ClassForgetting.DATA.forget();
        RecordSet relabelled = RandomLabel.relabel(forget, 11);
        RecordSet half = RandomLabel.relabel(forget.filter("half", i -> i % 2 == 0), 11);
        for (int i = 0; i < forget.size(); i++) {
            assertThat(relabelled.label(i)).isNotEqualTo(forget.label(i));
        }
        for (int i = 0; i < half.size(); i++) {
            assertThat(half.label(i)).isEqualTo(relabelled.label(2 * i));
        }
        assertThat(java.util.Arrays.stream(relabelled.labels()).distinct().count()).isGreaterThan(5);
    }

    @Test
    void gradientDifferenceForgetsThroughItsForgetTerm() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun withoutAscent = run(GradientDifference.NAME, Map.of("lossCeiling", "1e-9", "epochs", "2"), original)) {
            // with the forget term clipped to nothing, only retain descent remains: the class survives
            assertThat(Spread.measure("grad-diff(no ascent) forget-acc", ClassForgetting.accuracies(withoutAscent.model())[0])).isGreaterThan(0.5);
        }
    }

    @Test
    void optionsAreValidatedBeforeAnyWork() {
        assertThatThrownBy(() -> MethodOptions.parse(new GradientDifference(), Map.of("forgetWeight", "1.5")))
                .hasMessageContaining("grad-diff.forgetWeight must be in (0, 1), got 1.5");
        assertThatThrownBy(() -> MethodOptions.parse(new GradientAscent(), Map.of("speed", "3")))
                .hasMessageContaining("no option 'speed'").hasMessageContaining("grad-ascent.epochs");
        assertThatThrownBy(() -> MethodOptions.parse(new GradientAscent(), Map.of("epochs", "many")))
                .hasMessage("grad-ascent.epochs must be a whole number, got 'many'");
        assertThatThrownBy(() -> UnlearningMethods.get("forget-everything")).hasMessageContaining("grad-ascent");
    }
}
