package dev.lethe.torch.method;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UNDIAL lowers the forgotten answer's logit by β nats, so whether β is enough depends on the scale of the model's logits:
 * where the original's margin for the class exceeds β, the target still ranks the class first and no share of the update
 * forgets it. Found on the image-segmentation MLP, whose logits are far larger than the digits model's (docs/BENCHMARKS.md,
 * "Eighth round"). Here the digits model's output layer is multiplied by {@value #LOGIT_SCALE}: the same predictions, margins
 * {@value #LOGIT_SCALE} times as wide.
 */
class UndialBoostTest {

    /** How much wider the test model's logits are than the trained original's. */
    private static final float LOGIT_SCALE = 20f;

    @Test
    void aBoostBelowTheLogitMarginLeavesTheClassAndAFarLargerOneForgetsIt() {
        double before = accuracyOfClass(Map.of());
        double atDefault = accuracyOfClass(Map.of("undial.boost", "30", "undial.updateScale", "1"));
        double farAbove = accuracyOfClass(Map.of("undial.boost", "1000", "undial.updateScale", "1"));
        assertThat(before).isGreaterThan(0.9);
        assertThat(atDefault).isGreaterThan(0.5);
        assertThat(farAbove).isZero();
    }

    @Test
    void theCalibrationRaisesTheBoostWhenNoShareOfTheUpdateForgets() {
        Undial method = new Undial();
        double[] original;
        try (ModelHandle wide = wideOriginal()) {
            original = ClassForgetting.accuracies(wide);
            StrengthCalibration.Choice choice = StrengthCalibration.choose(method, Map.of(), wide, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            assertThat(choice.trials()).filteredOn(t -> t.retry() == null).allSatisfy(t -> assertThat(t.forgetAccuracy()).isGreaterThan(0.1));
            assertThat(choice.met()).isTrue();
            assertThat(choice.retryOption()).isEqualTo("undial.boost");
        }
        try (ModelHandle wide = wideOriginal();
             UnlearningRun run = UnlearningRun.run(method, Map.of(), wide, ClassForgetting.DATA, ClassForgetting.context(1))) {
            double[] after = ClassForgetting.accuracies(run.model());
            assertThat(after[0]).isLessThanOrEqualTo(0.05);
            assertThat(original[1] - after[1]).isLessThanOrEqualTo(0.03);
        }
    }

    @Test
    void onTheDigitsModelTheDefaultBoostIsKept() {
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice choice = StrengthCalibration.choose(new Undial(), Map.of(), original, ClassForgetting.DATA,
                    ClassForgetting.context(1)).orElseThrow();
            assertThat(choice.met()).isTrue();
            assertThat(choice.retryOption()).isNull();
            assertThat(choice.trials()).allSatisfy(t -> assertThat(t.retry()).isNull());
        }
    }

    /** The forgotten class's test accuracy on the wide model, after undial with {@code options} (none: before it). */
    private static double accuracyOfClass(Map<String, String> options) {
        try (ModelHandle wide = wideOriginal()) {
            if (options.isEmpty()) {
                return ClassForgetting.accuracies(wide)[0];
            }
            try (UnlearningRun run = UnlearningRun.run(new Undial(), options, wide, ClassForgetting.DATA, ClassForgetting.context(1))) {
                return ClassForgetting.accuracies(run.model())[0];
            }
        }
    }

    /** The digits original with its output layer's weight and bias multiplied by {@link #LOGIT_SCALE}. */
    private static ModelHandle wideOriginal() {
        ModelHandle model = ClassForgetting.original();
        List<Pair<String, Parameter>> parameters = model.parameters();
        for (Pair<String, Parameter> p : parameters.subList(parameters.size() - 2, parameters.size())) {
            Scalars.muli(p.getValue().getArray(), LOGIT_SCALE);
        }
        return model;
    }
}
