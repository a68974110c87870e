package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NoiseInjectionTest {

    @Test
    void forgetFisherNoiseTouchesExactlyTheTopShareOfForgetImportance() {
        // Given the trained digits MLP and the 2 % of its entries with the largest forget-set Fisher
        try (ModelHandle original = ClassForgetting.original(); NDManager m = original.manager().newSubManager()) {
            List<float[]> expected = NoiseInjection.topShare(FisherDiagonal.estimate(original, ClassForgetting.DATA.forget(),
                    ClassForgetting.ORIGINAL_CONFIG.batchSize(), m, new dev.lethe.torch.train.Cancellation()), 0.02f);
            // When Laplace noise goes only there, with no fine-tune
            try (UnlearningRun run = UnlearningRun.run(new NoiseInjection(),
                    Map.of("mode", "laplace", "where", "forget-fisher", "topShare", "0.02", "epochs", "0"), original,
                    ClassForgetting.DATA, ClassForgetting.context(5))) {
                // Then exactly those entries changed, ⌈0.02·N⌉ of them
                List<Pair<String, Parameter>> before = original.parameters();
                List<Pair<String, Parameter>> after = run.model().parameters();
                int changed = 0;
                for (int i = 0; i < before.size(); i++) {
                    float[] w0 = before.get(i).getValue().getArray().toFloatArray();
                    float[] w1 = after.get(i).getValue().getArray().toFloatArray();
                    for (int j = 0; j < w0.length; j++) {
                        boolean moved = w1[j] != w0[j];
                        assertThat(moved).as("parameter %s entry %d", before.get(i).getKey(), j).isEqualTo(expected.get(i)[j] == 1f);
                        changed += moved ? 1 : 0;
                    }
                }
                assertThat(changed).isEqualTo((int) Math.ceil((double) 0.02f * original.parameterCount()));
            }
        }
    }

    @Test
    void topShareBreaksTiesByPosition() {
        try (ModelHandle model = ClassForgetting.original(); NDManager m = model.manager().newSubManager()) {
            List<NDArray> importance = List.of(m.create(new float[]{1, 3}), m.create(new float[]{3, 2}));
            assertThat(NoiseInjection.topShare(importance, 0.5f)).containsExactly(new float[]{0, 1}, new float[]{1, 0});
            assertThat(NoiseInjection.topShare(importance, 0.25f)).containsExactly(new float[]{0, 1}, new float[]{0, 0});
            assertThat(NoiseInjection.topShare(importance, 0.75f)).containsExactly(new float[]{0, 1}, new float[]{1, 1});
        }
    }

    @Test
    void fisherNoiseFactorIsTheNormalisedFisherToTheMinusQuarter() {
        try (ModelHandle model = ClassForgetting.original(); NDManager m = model.manager().newSubManager()) {
            // mean F = 2: normalised F = 0, 1, 2, 1
            List<NDArray> factors = NoiseInjection.fisherFactors(List.of(m.create(new float[]{0, 2}), m.create(new float[]{4, 2})));
            float eps = NoiseInjection.FISHER_EPSILON;
            assertThat(factors.get(0).toFloatArray()[0]).isCloseTo((float) Math.pow(eps, -0.25), within(1e-4f));
            assertThat(factors.get(0).toFloatArray()[1]).isCloseTo((float) Math.pow(1 + eps, -0.25), within(1e-6f));
            assertThat(factors.get(1).toFloatArray()[0]).isCloseTo((float) Math.pow(2 + eps, -0.25), within(1e-6f));
        }
    }
}
