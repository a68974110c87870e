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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    @Test
    void adamWDecaysTheWeightsApartFromTheGradientAndAdamDoesNot() {
        // With a zero gradient Adam's step is 0, so AdamW moves each weight by exactly −η·λ·w and Adam (L2 in the gradient) by a full Adam step
        try (ModelHandle adamW = TinyLanguageModel.create(16, 8, 4); ModelHandle adam = TinyLanguageModel.create(16, 8, 4);
             NDManager scratch = adamW.manager().newSubManager()) {
            float[] w0 = first(adamW);
            update(adamW, OptimizerKind.ADAMW, scratch);
            update(adam, OptimizerKind.ADAM, scratch);
            float[] decayed = first(adamW);
            for (int i = 0; i < w0.length; i++) {
                assertThat(decayed[i]).isCloseTo(w0[i] * (1 - 0.1f * 0.5f), within(1e-6f));
            }
            // Adam sees λ·w as the gradient and steps by about η·sign(w)
            float[] stepped = first(adam);
            assertThat(Math.abs(stepped[0] - w0[0])).isCloseTo(0.1f, within(1e-3f));
        }
    }

    private static void update(ModelHandle model, OptimizerKind kind, NDManager scratch) {
        try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            NDArray loss = null;
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray term = Scalars.mul(p.getValue().getArray().sum(), 0f);
                term.attach(scratch);
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
        try (OptimizerState state = OptimizerState.create(new TrainConfig(1, 1, kind, 0.1f, 0f, 0.5f, 0), model)) {
            state.apply(model, 0.1f, scratch);
        }
    }

    private static float[] first(ModelHandle model) {
        return model.parameters().get(0).getValue().getArray().toFloatArray();
    }
}
