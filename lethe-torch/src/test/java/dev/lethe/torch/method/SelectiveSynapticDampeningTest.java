package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectiveSynapticDampeningTest {

    @Test
    void dampeningOnlyShrinksWeightsTowardsZeroAndAHugeAlphaSelectsNothing() {
        // Given the trained digits MLP
        try (ModelHandle original = ClassForgetting.original();
             // When SSD runs with a low selection threshold, and with one nothing can pass
             UnlearningRun low = UnlearningRun.run(new SelectiveSynapticDampening(), Map.of("alpha", "5", "batchSize", "32"), original,
                     ClassForgetting.DATA, ClassForgetting.context(1));
             UnlearningRun none = UnlearningRun.run(new SelectiveSynapticDampening(), Map.of("alpha", "1e12"), original,
                     ClassForgetting.DATA, ClassForgetting.context(1))) {
            // Then every entry is θ or β·θ with β in [0, 1]: never larger, never of the other sign; some shrank
            List<Pair<String, Parameter>> before = original.parameters();
            List<Pair<String, Parameter>> after = low.model().parameters();
            int shrunk = 0;
            for (int i = 0; i < before.size(); i++) {
                float[] w0 = before.get(i).getValue().getArray().toFloatArray();
                float[] w1 = after.get(i).getValue().getArray().toFloatArray();
                for (int j = 0; j < w0.length; j++) {
                    assertThat(Math.abs(w1[j])).isLessThanOrEqualTo(Math.abs(w0[j]));
                    assertThat(w1[j] * w0[j]).isGreaterThanOrEqualTo(0f);
                    shrunk += Math.abs(w1[j]) < Math.abs(w0[j]) ? 1 : 0;
                }
            }
            assertThat(shrunk).isPositive();
            // and the class is gone: α = 5 dampens more than the default
            assertThat(Spread.measure("ssd(alpha 5) forget-acc", ClassForgetting.accuracies(low.model())[0])).isLessThanOrEqualTo(0.05);
            // and with α = 10¹² no entry is selected: the model is the original, bit for bit
            assertThat(none.model().weightsDigest()).isEqualTo(original.weightsDigest());
        }
    }

    @Test
    void aDataImportancePreparedOnceServesRemovalsFromThatModelOnly() {
        SelectiveSynapticDampening ssd = new SelectiveSynapticDampening();
        try (ModelHandle original = ClassForgetting.original();
             ModelHandle other = ClassForgetting.original();
             // Given I_D prepared once on all of the training data, as after training
             Prepared prepared = UnlearningRun.prepare(ssd, Map.of(), original, ClassForgetting.TRAIN, ClassForgetting.context(1))
                     .orElseThrow();
             // When class 3 is removed with it, twice
             UnlearningRun first = UnlearningRun.run(ssd, Map.of(), original, ClassForgetting.DATA,
                     ClassForgetting.context(1).withPrepared(prepared));
             UnlearningRun second = UnlearningRun.run(ssd, Map.of(), original, ClassForgetting.DATA,
                     ClassForgetting.context(1).withPrepared(prepared))) {
            // Then the class is forgotten and the other classes kept, the same way each time
            double[] before = ClassForgetting.accuracies(original);
            double[] after = ClassForgetting.accuracies(first.model());
            assertThat(Spread.measure("ssd(prepared) forget-acc", after[0])).isLessThanOrEqualTo(0.20);
            assertThat(Spread.measure("ssd(prepared) retain-drop", before[1] - after[1])).isLessThanOrEqualTo(0.05);
            assertThat(second.model().weightsDigest()).isEqualTo(first.model().weightsDigest());
            // and the prepared state is refused for another model, and for estimate options it was not made with
            assertThatThrownBy(() -> UnlearningRun.run(ssd, Map.of(), other, ClassForgetting.DATA,
                    ClassForgetting.context(1).withPrepared(prepared)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another model");
            assertThatThrownBy(() -> UnlearningRun.run(ssd, Map.of("batchSize", "32"), original, ClassForgetting.DATA,
                    ClassForgetting.context(1).withPrepared(prepared)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize=64").hasMessageContaining("prepare again");
        }
    }
}
