package dev.lethe.torch.method;

import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import dev.lethe.torch.Spread;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerResetTest {

    @Test
    void resettingTheFirstTwoLayersRedrawsTheirWeightsZeroesTheirBiasesAndLeavesTheLastAlone() {
        // Given two copies of the trained MLP (linear256, linear128, linear10) and an untouched third
        try (ModelHandle a = ClassForgetting.original(); ModelHandle b = ClassForgetting.original();
             ModelHandle untouched = ClassForgetting.original()) {
            // When the first 2 layers of both copies are reset with the same seed
            LayerReset.reset(a, 2, true, 11);
            LayerReset.reset(b, 2, true, 11);
            // Then both draws agree bit for bit
            assertThat(a.weightsDigest()).isEqualTo(b.weightsDigest());
            List<ParameterList> reset = LayerReset.trainableLayers(a);
            List<ParameterList> kept = LayerReset.trainableLayers(untouched);
            assertThat(reset).hasSize(3);
            for (int l = 0; l < 3; l++) {
                List<Pair<String, Parameter>> now = reset.get(l).stream().toList();
                List<Pair<String, Parameter>> was = kept.get(l).stream().toList();
                for (int i = 0; i < now.size(); i++) {
                    float[] v = now.get(i).getValue().getArray().toFloatArray();
                    float[] v0 = was.get(i).getValue().getArray().toFloatArray();
                    if (l == 2) {
                        // the last layer is untouched
                        assertThat(v).as("layer %d %s", l, now.get(i).getKey()).containsExactly(v0);
                    } else if (now.get(i).getValue().getType() == Parameter.Type.BIAS) {
                        assertThat(v).as("layer %d bias", l).containsOnly(0f);
                    } else {
                        // a fresh Xavier draw: not the trained weights, centred and bounded like an initialisation
                        int changed = 0;
                        double sum = 0;
                        for (int j = 0; j < v.length; j++) {
                            changed += v[j] != v0[j] ? 1 : 0;
                            sum += v[j];
                        }
                        assertThat(changed).as("layer %d weights redrawn", l).isEqualTo(v.length);
                        assertThat(Math.abs(sum / v.length)).isLessThan(0.01);
                    }
                }
            }
        }
    }

    @Test
    void moreLayersThanTheModelHasIsRefusedWithTheCount() {
        try (ModelHandle original = ClassForgetting.original()) {
            assertThatThrownBy(() -> UnlearningRun.run(new LayerReset(), Map.of("layers", "4", "from", "first", "trainKept", "true"), original,
                    ClassForgetting.DATA, ClassForgetting.context(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only 3 trainable layers");
            assertThatThrownBy(() -> MethodOptions.parse(new LayerReset(), Map.of("from", "middle")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first or last");
        }
    }

    @Test
    void euKTrainsOnlyTheResetLastLayerAndTheClassIsForgotten() {
        // Given the trained MLP, when layer-reset runs as EU-k (the last layer reset and trained alone: trainKept=false, the
        // weaker of the two values a calibration chooses between, here set)
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = UnlearningRun.run(new LayerReset(), Map.of("trainKept", "false"), original, ClassForgetting.DATA,
                     ClassForgetting.context(1))) {
            // Then every entry that moved is the head's, and all of the head moved: the two kept layers are the original's
            long headEntries = LayerReset.trainableLayers(original).get(2).stream().mapToLong(p -> p.getValue().getArray().size()).sum();
            assertThat(ParameterEntries.changed(original, run.model())).isEqualTo(headEntries);
            // and the head, trained without the class, no longer predicts it
            assertThat(Spread.measure("layer-reset(EU-k) forget-acc", ClassForgetting.accuracies(run.model())[0])).isLessThanOrEqualTo(0.05);
            assertThatThrownBy(() -> MethodOptions.parse(new LayerReset(), Map.of("from", "first", "trainKept", "false")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("true when from=first");
        }
    }
}
