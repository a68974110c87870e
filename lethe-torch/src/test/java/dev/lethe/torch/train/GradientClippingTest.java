package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.task.TinyLanguageModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GradientClippingTest {

    /** Fills the model's gradients with those of {@code scale · Σ w²} (gradient 2·scale·w). */
    private static void gradients(ModelHandle model, float scale) {
        try (NDManager m = model.manager().newSubManager(); GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            NDArray loss = null;
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray w = p.getValue().getArray();
                NDArray term = Scalars.mul(w.square().sum(), scale);
                term.attach(m);
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    /** Zeroes the gradients (the PyTorch engine accumulates them across backward passes). */
    private static void zero(ModelHandle model) {
        try (NDManager m = model.manager().newSubManager()) {
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(m);
                g.subi(g);
            }
        }
    }

    private static List<float[]> gradientValues(ModelHandle model) {
        List<float[]> values = new ArrayList<>();
        try (NDManager m = model.manager().newSubManager()) {
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(m);
                values.add(g.toFloatArray());
            }
        }
        return values;
    }

    private static double norm(List<float[]> values) {
        double sum = 0;
        for (float[] v : values) {
            for (float x : v) {
                sum += (double) x * x;
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void aLargeGlobalNormIsScaledToTheBoundKeepingTheDirectionAndASmallOneIsLeftAlone() {
        try (ModelHandle model = TinyLanguageModel.create(16, 8, 4); NDManager scratch = model.manager().newSubManager()) {
            gradients(model, 100f);
            List<float[]> before = gradientValues(model);
            double normBefore = norm(before);
            assertThat(normBefore).isGreaterThan(10);
            float reported = GradientClipping.clip(model, 1f, scratch);
            assertThat((double) reported).isCloseTo(normBefore, within(normBefore * 1e-5));
            List<float[]> after = gradientValues(model);
            assertThat(norm(after)).isCloseTo(1.0, within(1e-4));
            // same direction: every entry scaled by the same factor
            double factor = 1.0 / normBefore;
            assertThat((double) after.get(0)[3]).isCloseTo(before.get(0)[3] * factor, within(1e-6));

            zero(model);
            gradients(model, 1e-3f);
            List<float[]> small = gradientValues(model);
            GradientClipping.clip(model, 1f, scratch);
            assertThat(gradientValues(model).get(1)).containsExactly(small.get(1));
        }
    }
}
