package dev.lethe.torch.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.Digits;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A module scripted by Python PyTorch (the fixture of src/test/resources/torchscript/make_fixtures.py) in and out of Lethe. */
class TorchScriptModulesTest {

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = TorchScriptModulesTest.class.getResourceAsStream("/torchscript/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The fixture's inputs: x[i, k] = ((i * 64 + k) % 17) / 16. */
    private static NDArray inputs(NDManager manager) {
        float[] x = new float[4 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 16f;
        }
        return manager.create(x, new Shape(4, 64));
    }

    private static float[] logits(ModelHandle model) {
        try (NDManager scratch = model.manager().newSubManager()) {
            return model.forward(new NDList(inputs(scratch)), false).singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void aPythonModuleAnswersAsInPythonTrainsSavesAndGoesBackOutAsTorchScript() throws Exception {
        byte[] module = fixture("mlp-64-10.pt");
        float[] python = Arrays.stream(new String(fixture("mlp-64-10.logits.csv")).split("[,\\n]")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
                        l -> { float[] f = new float[l.size()]; for (int i = 0; i < f.length; i++) f[i] = Float.parseFloat(l.get(i)); return f; }));
        try (ModelHandle model = TorchScriptModules.open(module, "mlp-64-10.pt", new int[]{64}, 10, Device.cpu())) {
            // the spec names the module by the SHA-256 of its file, and the logits are Python's
            assertThat(model.spec().name()).isEqualTo("torchscript:" + TorchScriptModules.digest(module));
            assertThat(model.parameterCount()).isEqualTo(64 * 32 + 32 + 32 * 10 + 10);
            float[] before = logits(model);
            for (int i = 0; i < python.length; i++) {
                assertThat(before[i]).isCloseTo(python[i], org.assertj.core.data.Offset.offset(1e-5f));
            }

            // it trains through Lethe's loop (evaluation passes before and after), and the loss falls
            String weights = model.weightsDigest();
            try (TensorData data = TensorData.of(Digits.split().train(), model.manager())) {
                var result = new TrainLoop(new TrainConfig(3, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1)).run(model, data, Objectives.crossEntropy());
                assertThat(result.epochLosses().get(2)).isLessThan(result.epochLosses().get(0));
            }
            assertThat(model.weightsDigest()).isNotEqualTo(weights);
            float[] after = logits(model);

            // a Lethe model file and a copy hold the module with its trained weights, bit for bit
            try (ModelHandle copy = model.copy()) {
                assertThat(copy.weightsDigest()).isEqualTo(model.weightsDigest());
                assertThat(logits(copy)).containsExactly(after);
            }

            // a method that trains a copy with two forward passes per step leaves a model that evaluates (TorchScript's graph
            // optimiser, left on, would rerun a graph specialised for training under inference mode and fail here)
            var split = Digits.split();
            try (var run = UnlearningRun.run(UnlearningMethods.get("grad-diff"), java.util.Map.of(), model,
                    new UnlearningData(split.train().filter("forget", i -> i < 20), split.train().filter("retain", i -> i >= 20), split.test()),
                    new UnlearningContext(1, new TrainConfig(1, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1), TrainListener.NONE, new Cancellation()));
                 TensorData test = TensorData.of(split.test(), run.model().manager())) {
                assertThat(new Evaluator().evaluate(run.model(), test).accuracy()).isGreaterThan(0.5);
            }
            // an input attack differentiates through the module in evaluation mode (DJL's own evaluation path would run it
            // under libtorch's inference mode: no gradient, "element 0 of tensors does not require grad")
            try (var run = UnlearningRun.run(UnlearningMethods.get("amun"), java.util.Map.of("amun.epochs", "1"), model,
                    new UnlearningData(split.train().filter("forget", i -> i < 20), split.train().filter("retain", i -> i >= 20), split.test()),
                    new UnlearningContext(1, new TrainConfig(1, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1), TrainListener.NONE, new Cancellation()))) {
                assertThat(run.model().weightsDigest()).isNotEqualTo(model.weightsDigest());
            }

            // the TorchScript it writes loads again with the trained weights
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TorchScriptModules.write(model, out);
            try (ModelHandle back = TorchScriptModules.open(out.toByteArray(), "exported", new int[]{64}, 10, Device.cpu())) {
                assertThat(logits(back)).containsExactly(after);
            }
        }
    }

    @Test
    void aModuleWithAFeatureOutputOpensItsInnerLayerToRmuLayerResetAndProbes() throws Exception {
        var split = Digits.split();
        UnlearningData data = new UnlearningData(split.train().filter("forget", i -> i < 40), split.train().filter("retain", i -> i >= 40), split.test());
        UnlearningContext context = new UnlearningContext(1, new TrainConfig(1, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1), TrainListener.NONE,
                new Cancellation());
        try (ModelHandle model = TorchScriptModules.open(fixture("mlp-64-10-features.pt"), "mlp-64-10-features.pt", new int[]{64}, 10, Device.cpu())) {
            // features(x) and classify(h) make two layers; autograd found which parameters the head uses
            assertThat(model.layerCount()).isEqualTo(2);
            assertThat(names(model.layerParameters(1))).containsExactlyInAnyOrder("head.weight", "head.bias");
            assertThat(names(model.layerParameters(0))).containsExactlyInAnyOrder("body.0.weight", "body.0.bias");
            try (TensorData train = TensorData.of(split.train(), model.manager())) {
                new TrainLoop(new TrainConfig(5, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1)).run(model, train, Objectives.crossEntropy());
            }
            // the layers compose to the forward pass
            try (NDManager scratch = model.manager().newSubManager()) {
                NDArray h = model.activations(new NDList(inputs(scratch)), 0, false).singletonOrThrow();
                assertThat(h.getShape()).isEqualTo(new Shape(4, 32));
                float[] composed = model.forwardLayers(new NDList(h), 1, 2, false).singletonOrThrow().toFloatArray();
                float[] whole = logits(model);
                for (int i = 0; i < whole.length; i++) {
                    assertThat(composed[i]).isCloseTo(whole[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            // RMU steers the features: their parameters move, the head's stay bit for bit
            try (var run = UnlearningRun.run(UnlearningMethods.get("rmu"), java.util.Map.of("rmu.epochs", "2"), model, data, context)) {
                assertThat(digest(run.model().layerParameters(0))).isNotEqualTo(digest(model.layerParameters(0)));
                assertThat(digest(run.model().layerParameters(1))).isEqualTo(digest(model.layerParameters(1)));
            }
            // layer reset re-draws the head and fine-tunes it back on the retain set
            try (var run = UnlearningRun.run(UnlearningMethods.get("layer-reset"), java.util.Map.of("layer-reset.epochs", "3"), model, data, context);
                 TensorData test = TensorData.of(split.test(), run.model().manager())) {
                assertThat(new Evaluator().evaluate(run.model(), test).accuracy()).isGreaterThan(0.8);
            }
            // a linear probe reads the 32 features, not the 64 inputs
            assertThat(dev.lethe.torch.eval.LinearProbe.measure(model, split.train(), data.forget(), 3, 1).featureSize()).isEqualTo(32);
            // a copy (a model file's round trip) keeps the two layers
            try (ModelHandle copy = model.copy()) {
                assertThat(copy.layerCount()).isEqualTo(2);
                assertThat(names(copy.layerParameters(1))).containsExactlyInAnyOrder("head.weight", "head.bias");
            }
        }
        // a module with only forward stays one opaque layer, and RMU says what would open it
        try (ModelHandle opaque = TorchScriptModules.open(fixture("mlp-64-10.pt"), "mlp-64-10.pt", new int[]{64}, 10, Device.cpu())) {
            assertThat(opaque.layerCount()).isEqualTo(1);
            assertThat(opaque.isOpaque()).isTrue();
            assertThatThrownBy(() -> UnlearningRun.run(UnlearningMethods.get("rmu"), java.util.Map.of(), opaque, data, context))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features(x) and classify(h)");
        }
        // features and classify that do not make up forward are refused at the door
        assertThatThrownBy(() -> TorchScriptModules.open(fixture("mlp-64-10-bad-features.pt"), "bad.pt", new int[]{64}, 10, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classify(features(x)) is not forward(x)")
                .hasMessageContaining("differ by 1.0");
    }

    private static List<String> names(ai.djl.nn.ParameterList parameters) {
        return parameters.keys();
    }

    private static String digest(ai.djl.nn.ParameterList parameters) {
        StringBuilder all = new StringBuilder();
        for (var p : parameters) {
            all.append(Arrays.toString(p.getValue().getArray().toFloatArray()));
        }
        return org.apache.commons.codec.digest.DigestUtils.sha256Hex(all.toString());
    }

    @Test
    void freshCopiesOfTheArchitectureAreAPureFunctionOfTheSeed() throws Exception {
        byte[] module = fixture("mlp-64-10.pt");
        try (ModelHandle imported = TorchScriptModules.open(module, "mlp-64-10.pt", new int[]{64}, 10, Device.cpu());
             ModelHandle a = ModelHandle.create(imported.spec(), 5);
             ModelHandle b = ModelHandle.create(imported.spec(), 5);
             ModelHandle c = ModelHandle.create(imported.spec(), 6)) {
            assertThat(a.weightsDigest()).isEqualTo(b.weightsDigest()).isNotEqualTo(c.weightsDigest()).isNotEqualTo(imported.weightsDigest());
            // biases start at zero, weights within the Glorot bound of their layer
            for (var p : a.parameters()) {
                NDArray w = p.getValue().getArray();
                float largest = w.abs().max().getFloat();
                if (p.getKey().endsWith("bias")) {
                    assertThat(largest).isZero();
                } else {
                    long[] s = w.getShape().getShape();
                    assertThat(largest).isPositive().isLessThanOrEqualTo((float) Math.sqrt(6.0 / (s[0] + s[1])));
                }
            }
        }
    }

    @Test
    void aModuleThatIsNotAClassifierForTheDataIsRefusedSayingWhy() throws Exception {
        byte[] module = fixture("mlp-64-10.pt");
        assertThatThrownBy(() -> TorchScriptModules.open(module, "m.pt", new int[]{64}, 3, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returns logits of shape (2, 10)").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> TorchScriptModules.open(module, "m.pt", new int[]{12}, 10, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not take the data's inputs").hasMessageContaining("[12]");
        assertThatThrownBy(() -> TorchScriptModules.open(Arrays.copyOf(module, 1000), "half.pt", new int[]{64}, 10, Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("half.pt is not a TorchScript module");
        assertThatThrownBy(() -> ModelSpec.parse("torchscript:model.pt", new int[]{64}, 10))
                .hasMessageContaining("lethe import");
        assertThat(List.of(ModelFamilies.choices())).anyMatch(s -> s.contains("torchscript"));
    }
}
