package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
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

    /**
     * The loss-free importance is compared with the retain set, not the data, by default. With the forgotten class made
     * half of the data (digits' class 3 and as many records of the other classes), an entry only the class moves scores
     * about {@code 1/p² = 4} against the data, so against the data no α of the calibration's grid forgets the class
     * without wrecking the rest, and against the retain set one does. Measured over seed shifts 0–4 on this CPU's kernels
     * and 0–2 with SSE4.2 (docs/TESTING.md): against the data, the values that forgot the class cost the others at least
     * 25.7 points (the bound 10) and those that kept them left the class at 0.949 or more (the bound 0.5); against the
     * retain set, α = 100 left the class at 0.000 and cost the others at most 2.3 points (the bound 5).
     */
    @Test
    void theLossFreeImportanceAgainstTheRetainSetForgetsAClassThatIsHalfTheData() {
        RecordSet forget = ClassForgetting.DATA.forget();
        UnlearningData half = new UnlearningData(forget,
                RecordSamples.shuffled(ClassForgetting.DATA.retain(), forget.size(), Spread.seed(100)), null);
        SelectiveSynapticDampening ssd = new SelectiveSynapticDampening();
        try (ModelHandle original = ClassForgetting.original()) {
            double before = ClassForgetting.accuracies(original)[1];
            // Given the paper's reference, the data: at every α of the grid, the class is kept or the others are lost
            double leastCostOfForgetting = 1;
            double leastClassLeftWhileKeeping = 1;
            for (String alpha : ssd.strength().orElseThrow().weakToStrong()) {
                Map<String, String> againstTheData = Map.of("alpha", alpha, "importance", "output", "reference", "data");
                try (UnlearningRun run = UnlearningRun.run(ssd, againstTheData, original, half, ClassForgetting.context(1))) {
                    double[] after = ClassForgetting.accuracies(run.model());
                    if (after[0] <= 0.05) {
                        leastCostOfForgetting = Math.min(leastCostOfForgetting, before - after[1]);
                    } else {
                        leastClassLeftWhileKeeping = Math.min(leastClassLeftWhileKeeping, after[0]);
                    }
                }
            }
            assertThat(Spread.measure("ssd(output, data, half) least cost of forgetting", leastCostOfForgetting)).isGreaterThan(0.10);
            assertThat(Spread.measure("ssd(output, data, half) least class left", leastClassLeftWhileKeeping)).isGreaterThan(0.5);
            // When the default reference is used (auto: the retain set for this importance)
            try (UnlearningRun run = UnlearningRun.run(ssd, Map.of("alpha", "100", "importance", "output"), original, half,
                    ClassForgetting.context(1))) {
                // Then the class is gone and the others kept
                double[] after = ClassForgetting.accuracies(run.model());
                assertThat(Spread.measure("ssd(output, retain, half) forget-acc", after[0])).isLessThanOrEqualTo(0.05);
                assertThat(Spread.measure("ssd(output, retain, half) retain-drop", before - after[1])).isLessThanOrEqualTo(0.05);
            }
        }
    }

    @Test
    void aReferenceOtherThanTheThreeIsRefusedWithTheChoices() {
        try (ModelHandle original = ClassForgetting.original()) {
            assertThatThrownBy(() -> UnlearningRun.run(new SelectiveSynapticDampening(), Map.of("reference", "forget"), original,
                    ClassForgetting.DATA, ClassForgetting.context(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssd.reference").hasMessageContaining("forget")
                    .hasMessageContaining("auto, data or retain");
        }
    }
}
