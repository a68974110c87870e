package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizerStateTest {

    private static final ModelSpec SPEC = ModelSpec.parse("mlp:8", new int[]{4}, 3);

    /** Computes gradients of a fixed loss on a fixed batch into the model's parameters. */
    private static void backprop(ModelHandle model, NDManager m) {
        NDArray x = m.create(new float[]{0.1f, -0.2f, 0.3f, 0.5f, 1f, 0.2f, -0.7f, 0.4f}, new ai.djl.ndarray.types.Shape(2, 4));
        NDArray y = m.create(new long[]{2, 0});
        try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
            gc.backward(Objectives.crossEntropy(model.forward(x, true), y));
        }
    }

    @Test
    void adamMatchesDjlsAdamOptimizerStepForStep() {
        // Given two identical models, one updated by DJL's Adam and one by OptimizerState
        TrainConfig config = new TrainConfig(1, 2, OptimizerKind.ADAM, 0.01f, 0f, 0f, 1);
        try (ModelHandle ours = ModelHandle.create(SPEC, 5); ModelHandle theirs = ModelHandle.create(SPEC, 5);
             OptimizerState state = OptimizerState.create(config, ours);
             NDManager m = ours.manager().newSubManager()) {
            String initial = ours.weightsDigest();
            Optimizer adam = Adam.builder().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            // When both take three steps on the same batch
            for (int step = 0; step < 3; step++) {
                backprop(ours, m);
                state.apply(ours, 0.01f, m);
                backprop(theirs, m);
                for (Pair<String, Parameter> p : theirs.parameters()) {
                    NDArray w = p.getValue().getArray();
                    NDArray g = w.getGradient();
                    adam.update(p.getKey(), w, g);
                    g.subi(g);
                }
            }
            // Then the weights agree to float precision
            List<Pair<String, Parameter>> a = ours.parameters();
            List<Pair<String, Parameter>> b = theirs.parameters();
            for (int i = 0; i < a.size(); i++) {
                float[] wa = a.get(i).getValue().getArray().toFloatArray();
                float[] wb = b.get(i).getValue().getArray().toFloatArray();
                for (int j = 0; j < wa.length; j++) {
                    assertThat(wa[j]).isCloseTo(wb[j], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
            assertThat(ours.weightsDigest()).isNotEqualTo(initial);
            assertThat(state.updates()).isEqualTo(3);
        }
    }

    @Test
    void plainSgdStepIsWeightMinusLearningRateTimesGradient() {
        // Given a model with gradients computed on a fixed batch
        TrainConfig config = new TrainConfig(1, 2, OptimizerKind.SGD, 0.5f, 0f, 0f, 1);
        try (ModelHandle model = ModelHandle.create(SPEC, 3); OptimizerState state = OptimizerState.create(config, model);
             NDManager m = model.manager().newSubManager()) {
            backprop(model, m);
            NDArray w = model.parameters().get(0).getValue().getArray();
            float[] before = w.toFloatArray();
            float[] grad = w.getGradient().toFloatArray();
            // When one SGD step is applied
            state.apply(model, 0.5f, m);
            // Then w' = w - 0.5 g, and the gradient is zeroed for the next step
            float[] after = w.toFloatArray();
            for (int j = 0; j < before.length; j++) {
                assertThat(after[j]).isCloseTo(before[j] - 0.5f * grad[j], org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThat(w.getGradient().abs().sum().getFloat()).isZero();
        }
    }

    @Test
    void stateSurvivesWriteAndReadBitForBit() throws Exception {
        // Given momentum SGD state after two updates
        TrainConfig config = new TrainConfig(1, 2, OptimizerKind.SGD, 0.1f, 0.9f, 1e-4f, 1);
        try (ModelHandle a = ModelHandle.create(SPEC, 9); OptimizerState state = OptimizerState.create(config, a);
             NDManager m = a.manager().newSubManager()) {
            backprop(a, m);
            state.apply(a, 0.1f, m);
            backprop(a, m);
            state.apply(a, 0.1f, m);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            a.write(out);
            state.write(out);
            // When the model and state are read back and both copies take the same third step
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            try (ModelHandle b = ModelHandle.read(in, "memory", a.device()); OptimizerState restored = OptimizerState.read(in, b);
                 NDManager mb = b.manager().newSubManager()) {
                assertThat(restored.updates()).isEqualTo(2);
                backprop(a, m);
                state.apply(a, 0.1f, m);
                backprop(b, mb);
                restored.apply(b, 0.1f, mb);
                // Then they stay bit-identical (momentum buffers were restored, not reset)
                assertThat(b.weightsDigest()).isEqualTo(a.weightsDigest());
            }
        }
    }

    @Test
    void maskedEntriesKeepTheirValueThroughMomentumAndWeightDecay() {
        // Given momentum SGD with weight decay (both would move every entry) and a mask freezing every other entry of the first weight
        TrainConfig config = new TrainConfig(1, 2, OptimizerKind.SGD, 0.1f, 0.9f, 0.05f, 1);
        try (ModelHandle model = ModelHandle.create(SPEC, 4); OptimizerState state = OptimizerState.create(config, model);
             NDManager m = model.manager().newSubManager()) {
            Pair<String, Parameter> first = model.parameters().get(0);
            NDArray w = first.getValue().getArray();
            float[] before = w.toFloatArray();
            float[] maskValues = new float[before.length];
            for (int j = 0; j < maskValues.length; j += 2) {
                maskValues[j] = 1f;
            }
            java.util.Map<String, NDArray> masks = java.util.Map.of(first.getKey(), m.create(maskValues, w.getShape()));
            OptimizerState.checkMasks(model, masks);
            // When three masked updates are applied
            for (int step = 0; step < 3; step++) {
                backprop(model, m);
                state.apply(model, 0.1f, m, masks);
            }
            // Then the frozen entries are bit-identical and the others moved
            float[] after = w.toFloatArray();
            for (int j = 0; j < before.length; j++) {
                if (maskValues[j] == 0f) {
                    assertThat(Float.floatToRawIntBits(after[j])).as("frozen entry %d", j).isEqualTo(Float.floatToRawIntBits(before[j]));
                } else {
                    assertThat(after[j]).as("free entry %d", j).isNotEqualTo(before[j]);
                }
            }
        }
    }

    @Test
    void aMaskForAnUnknownParameterOrOfTheWrongShapeIsRefused() {
        try (ModelHandle model = ModelHandle.create(SPEC, 4); NDManager m = model.manager().newSubManager()) {
            String name = model.parameters().get(0).getKey();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OptimizerState.checkMasks(model, java.util.Map.of("nope", m.ones(new ai.djl.ndarray.types.Shape(1)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'").hasMessageContaining(name);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OptimizerState.checkMasks(model, java.util.Map.of(name, m.ones(new ai.djl.ndarray.types.Shape(1)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be float32");
        }
    }
}
