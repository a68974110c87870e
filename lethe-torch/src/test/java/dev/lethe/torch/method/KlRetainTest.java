package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kl}: the forget weight α trades forgetting pressure against drift from the original's retain outputs. */
class KlRetainTest {

    @Test
    void aSmallerForgetWeightKeepsRetainOutputsCloserToTheOriginal() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun gentle = UnlearningRun.run(new KlRetain(), Map.of("forgetWeight", "0.02"), original, ClassForgetting.DATA,
                     ClassForgetting.context(3));
             UnlearningRun strong = UnlearningRun.run(new KlRetain(), Map.of("forgetWeight", "0.5"), original, ClassForgetting.DATA,
                     ClassForgetting.context(3))) {
            double gentleKl = retainKl(original, gentle.model());
            double strongKl = retainKl(original, strong.model());
            assertThat(gentleKl).isPositive();
            assertThat(Spread.measure("kl retain-KL strong / gentle", strongKl / gentleKl)).isGreaterThan(1);
            // both still forget the class
            assertThat(Spread.measure("kl(gentle) forget-acc", ClassForgetting.accuracies(gentle.model())[0])).isLessThanOrEqualTo(0.20);
        }
    }

    /** Mean KL(p_original ‖ p_model) over the retain set. */
    private static double retainKl(ModelHandle original, ModelHandle model) {
        return meanKl(original, model, ClassForgetting.DATA.retain());
    }

    /** Mean KL(p_original ‖ p_model) over {@code set} (T = 1). */
    static double meanKl(ModelHandle original, ModelHandle model, dev.lethe.core.data.RecordSet set) {
        try (NDManager scratch = model.manager().newSubManager();
             TensorData retain = TensorData.of(set, scratch)) {
            NDArray x = retain.features();
            return Distillation.kl(original.forward(x, false), model.forward(x, false), 1f).getFloat();
        }
    }
}
