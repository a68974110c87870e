package dev.lethe.torch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.Digits;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelHandleTest {

    private static final ModelSpec MLP = ModelSpec.parse("mlp:32", new int[]{64}, 10);
    private static final TrainConfig ONE_EPOCH = new TrainConfig(1, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 1);

    private static void trainOneEpoch(ModelHandle model) {
        try (TensorData data = TensorData.of(Digits.split().train(), model.manager())) {
            new TrainLoop(ONE_EPOCH).run(model, data, Objectives.crossEntropy());
        }
    }

    @Test
    void saveAndLoadRoundTripKeepsEveryBitAndReenablesGradients(@TempDir Path dir) throws Exception {
        // Given a trained model saved to a file
        try (ModelHandle model = ModelHandle.create(MLP, 1)) {
            trainOneEpoch(model);
            Path file = dir.resolve("m.lethe-model");
            model.save(file);
            // When it is loaded
            try (ModelHandle loaded = ModelHandle.load(file)) {
                // Then the weights are bit-identical, and training the loaded model moves its weights
                assertThat(loaded.spec()).isEqualTo(MLP);
                assertThat(loaded.weightsDigest()).isEqualTo(model.weightsDigest());
                trainOneEpoch(loaded);
                assertThat(loaded.weightsDigest()).isNotEqualTo(model.weightsDigest());
            }
            assertThat(Files.list(dir)).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void aCopySharesNoArrayWithTheOriginal() {
        try (ModelHandle model = ModelHandle.create(MLP, 2); ModelHandle copy = model.copy()) {
            String original = model.weightsDigest();
            assertThat(copy.weightsDigest()).isEqualTo(original);
            // When the copy is trained and then closed
            trainOneEpoch(copy);
            // Then the original is unchanged
            assertThat(copy.weightsDigest()).isNotEqualTo(original);
            assertThat(model.weightsDigest()).isEqualTo(original);
        }
    }

    @Test
    void initialWeightsDependOnlyOnTheSeed() {
        try (ModelHandle a = ModelHandle.create(MLP, 3); ModelHandle b = ModelHandle.create(MLP, 3); ModelHandle c = ModelHandle.create(MLP, 4)) {
            assertThat(b.weightsDigest()).isEqualTo(a.weightsDigest());
            assertThat(c.weightsDigest()).isNotEqualTo(a.weightsDigest());
        }
    }

    @Test
    void everyArchitectureProducesOneLogitPerClass() {
        for (String name : new String[]{"logreg", "mlp:16,8", "cnn:4,8,16"}) {
            for (int[] shape : new int[][]{{1, 28, 28}, {3, 32, 32}}) {
                ModelSpec spec = ModelSpec.parse(name, shape, 10);
                try (ModelHandle model = ModelHandle.create(spec, 1); NDManager m = model.manager().newSubManager()) {
                    NDArray logits = model.forward(m.zeros(spec.batchShape(5)), false);
                    assertThat(logits.getShape().getShape()).as(spec.toString()).containsExactly(5, 10);
                    assertThat(model.block().getChildren().size()).isGreaterThan(1);
                }
            }
        }
    }

    @Test
    void badSpecsAreRefusedWithAMessage() {
        assertThatThrownBy(() -> ModelSpec.parse("transformer", new int[]{64}, 10)).hasMessageContaining("unknown model 'transformer'");
        assertThatThrownBy(() -> ModelSpec.parse("mlp:12,x", new int[]{64}, 10)).hasMessageContaining("widths must be integers");
        assertThatThrownBy(() -> ModelSpec.parse("cnn", new int[]{64}, 10)).hasMessageContaining("[channels, height, width]");
        assertThatThrownBy(() -> ModelSpec.parse("mlp", new int[]{64}, 1)).hasMessageContaining("at least 2 classes");
    }

    @Test
    void aCorruptOrTruncatedFileIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.lethe-model");
        Files.writeString(garbage, "this is not a model at all");
        assertThatThrownBy(() -> ModelHandle.load(garbage)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining(garbage.toString()).hasMessageContaining("bad magic");
        try (ModelHandle model = ModelHandle.create(MLP, 1)) {
            byte[] bytes = model.toBytes();
            Path truncated = dir.resolve("truncated.lethe-model");
            Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
            assertThatThrownBy(() -> ModelHandle.load(truncated)).isInstanceOf(CorruptModelException.class)
                    .hasMessageContaining(truncated.toString()).hasMessageContaining("parameters cannot be read");
        }
        assertThatThrownBy(() -> ModelHandle.load(dir.resolve("missing.lethe-model"))).hasMessageContaining("no such model file");
    }
}
