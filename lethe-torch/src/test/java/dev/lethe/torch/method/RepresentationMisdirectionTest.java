package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code rmu} with {@code updateLayers = 1} and a fixed steering norm c = 50 (no calibration: the mechanism, not the
 * strength, is under test): only the last layer with parameters below L moves (the second linear layer of the MLP);
 * the first layer and the head keep their exact bits; forget activations at L move towards the steering target while
 * retain activations stay near the original's.
 */
class RepresentationMisdirectionTest {

    @Test
    void updatesOnlyTheChosenLayerAndMisdirectsForgetActivations() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = UnlearningRun.run(new RepresentationMisdirection(), Map.of("rmu.updateLayers", "1", "rmu.steeringScale", "50"), original,
                     ClassForgetting.DATA, ClassForgetting.context(5))) {
            // mlp = flatten, linear, relu, linear, relu, linear: L = 4 (the second relu), updated = child 3
            assertThat(run.report()).containsEntry("rmu.layer", 4).containsEntry("rmu.firstUpdatedLayer", 3);
            ModelHandle after = run.model();
            for (int child : new int[]{1, 3, 5}) {
                float[] w0 = original.layerParameters(child).get(0).getValue().getArray().toFloatArray();
                float[] w1 = after.layerParameters(child).get(0).getValue().getArray().toFloatArray();
                if (child == 3) {
                    assertThat(w1).as("layer %d", child).isNotEqualTo(w0);
                } else {
                    assertThat(w1).as("layer %d", child).isEqualTo(w0);
                    assertThat(after.layerParameters(child).get(1).getValue().getArray().toFloatArray())
                            .isEqualTo(original.layerParameters(child).get(1).getValue().getArray().toFloatArray());
                }
            }
            double[] forgetDistance = meanDistanceToOriginal(original, run.model(), ClassForgetting.DATA.forget());
            double[] retainDistance = meanDistanceToOriginal(original, run.model(), ClassForgetting.DATA.retain());
            // forget activations moved about as far as their own norm or further (towards a point of norm 50; measured
            // 1.32..1.62 times it, bound 0.97 from the spread in docs/TESTING.md), three times as far as
            // retain activations, which stayed within half their norm of the original's
            assertThat(Spread.measure("rmu forget distance / norm", forgetDistance[0] / forgetDistance[1])).isGreaterThanOrEqualTo(0.97);
            assertThat(Spread.measure("rmu forget / retain distance", forgetDistance[0] / retainDistance[0])).isGreaterThan(3);
            assertThat(Spread.measure("rmu retain distance / norm", retainDistance[0] / retainDistance[1])).isLessThan(0.5);
        }
    }

    @Test
    void refusesALayerWithoutParametersBelowIt() {
        try (ModelHandle original = ClassForgetting.original()) {
            assertThatThrownBy(() -> UnlearningRun.run(new RepresentationMisdirection(), Map.of("rmu.layer", "0"), original,
                    ClassForgetting.DATA, ClassForgetting.context(5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no layer with parameters at or below layer 0");
            assertThatThrownBy(() -> UnlearningRun.run(new RepresentationMisdirection(), Map.of("rmu.layer", "5"), original,
                    ClassForgetting.DATA, ClassForgetting.context(5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..4");
        }
    }

    /** {mean ‖h_after − h_before‖, mean ‖h_before‖} at the last hidden layer over {@code set}. */
    private static double[] meanDistanceToOriginal(ModelHandle original, ModelHandle unlearned, dev.lethe.core.data.RecordSet set) {
        try (NDManager scratch = original.manager().newSubManager()) {
            NDArray x = scratch.create(set.featuresView(), original.spec().batchShape(set.size()));
            NDArray h0 = RepresentationMisdirection.activations(original, x, 0, 4, false);
            NDArray h1 = RepresentationMisdirection.activations(unlearned, x, 0, 4, false);
            h1.attach(scratch);
            double distance = h1.sub(h0).norm(new int[]{1}).mean().getFloat();
            double norm = h0.norm(new int[]{1}).mean().getFloat();
            return new double[]{distance, norm};
        }
    }
}
