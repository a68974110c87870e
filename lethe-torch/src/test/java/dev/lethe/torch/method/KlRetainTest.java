package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kl}: the forget weight α trades forgetting pressure against drift from the original's retain outputs, and the
 * loss ceiling bounds how far the ascent pushes a forget record. The update scale is pinned at 1 (the whole update) so
 * that the calibration does not choose a share per run: these tests are of the loss, not of the strength.
 */
class KlRetainTest {

    @Test
    void aSmallerForgetWeightKeepsRetainOutputsCloserToTheOriginal() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun gentle = UnlearningRun.run(new KlRetain(), Map.of("forgetWeight", "0.02", "updateScale", "1"), original, ClassForgetting.DATA,
                     ClassForgetting.context(3));
             UnlearningRun strong = UnlearningRun.run(new KlRetain(), Map.of("forgetWeight", "0.5", "updateScale", "1"), original, ClassForgetting.DATA,
                     ClassForgetting.context(3))) {
            double gentleKl = retainKl(original, gentle.model());
            double strongKl = retainKl(original, strong.model());
            assertThat(gentleKl).isPositive();
            assertThat(Spread.measure("kl retain-KL strong / gentle", strongKl / gentleKl)).isGreaterThan(1);
            // both still forget the class
            assertThat(Spread.measure("kl(gentle) forget-acc", ClassForgetting.accuracies(gentle.model())[0])).isLessThanOrEqualTo(0.20);
        }
    }

    /**
     * A record whose loss is above the ceiling stops pushing: with a ceiling of 0.1 nats (the true class still at
     * p ≈ 0.9) the ascent stops before the class is forgotten, with the default 2.5 it goes on until it is.
     */
    @Test
    void theLossCeilingBoundsHowFarTheAscentPushesAForgetRecord() {
        double lowCeiling = Spread.measure("kl(ceiling 0.1) forget-acc",
                ClassForgetting.classAccuracyAfter(new KlRetain(), Map.of("lossCeiling", "0.1", "updateScale", "1"), 3));
        double standardCeiling = Spread.measure("kl(ceiling 2.5) forget-acc",
                ClassForgetting.classAccuracyAfter(new KlRetain(), Map.of("updateScale", "1"), 3));
        // 0.26..0.56 over seed shifts 0..4 and three kernel settings (docs/TESTING.md): the records that stopped at
        // p ≈ 0.9 still carry the class for some of its unseen records
        assertThat(lowCeiling).isGreaterThan(0.1);
        assertThat(standardCeiling).isLessThanOrEqualTo(0.05);
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
