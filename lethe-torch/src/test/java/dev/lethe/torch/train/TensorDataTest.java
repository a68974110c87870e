package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image features are held channels-last ({@link TensorData#channelsLast}): a change of memory layout only, so every
 * read of them (the whole tensor, gathered batches, evaluation's slices) gives the records' values in their own
 * [C, H, W] order, and a CNN answers them as it answers the row-major tensor, up to the kernels' rounding.
 */
class TensorDataTest {

    private static RecordSet images(int n, int channels, int height, int width) {
        SplittableRandom random = new SplittableRandom(3);
        float[] features = new float[n * channels * height * width];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextDouble();
        }
        String[] ids = new String[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "r" + i;
            labels[i] = i % 2;
        }
        return new RecordSet("images", ids, null, features, labels, new int[]{channels, height, width}, List.of("a", "b"));
    }

    @Test
    void imageFeaturesReadBackInTheirOwnOrderWholeGatheredAndSliced() {
        TorchRuntime.engine();
        RecordSet set = images(10, 3, 8, 4);
        try (NDManager root = NDManager.newBaseManager(); TensorData data = TensorData.of(set, root)) {
            assertThat(data.features().getShape()).isEqualTo(new Shape(10, 3, 8, 4));
            assertThat(data.features().toFloatArray()).isEqualTo(set.featuresView());
            int[] positions = {7, 2, 9};
            NDArray gathered = data.gather(positions, root)[0];
            float[] expected = new float[3 * 96];
            for (int i = 0; i < positions.length; i++) {
                System.arraycopy(set.featuresView(), positions[i] * 96, expected, i * 96, 96);
            }
            assertThat(gathered.toFloatArray()).isEqualTo(expected);
            float[] sliced = data.range(4, 6, root).inputs().singletonOrThrow().toFloatArray();
            float[] rows = new float[2 * 96];
            System.arraycopy(set.featuresView(), 4 * 96, rows, 0, rows.length);
            assertThat(sliced).isEqualTo(rows);
        }
    }

    @Test
    void oneChannelImagesAndTheirTrainingAreUntouched() {
        TorchRuntime.engine();
        RecordSet drawn = images(2048, 1, 16, 16);
        int[] labels = new int[drawn.size()];
        float[] features = drawn.featuresView().clone();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
            features[i * 256] = labels[i] == 1 ? 5f : -5f;
        }
        RecordSet set = new RecordSet("images", drawn.ids().toArray(String[]::new), null, features, labels, drawn.featureShape(), List.of("a", "b"));
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse("mlp:16", set.featureShape(), 2), 5);
             TensorData data = TensorData.of(set, model.manager())) {
            reuseFreedNativeMemory(set.featuresView().length);
            assertThat(data.features().toFloatArray()).isEqualTo(set.featuresView());
            TrainResult result = new TrainLoop(new TrainConfig(10, 64, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 1))
                    .run(model, data, Objectives.crossEntropy());
            // the label is written in the first pixel (+5 or -5): learnt from the records' own values, not from a freed buffer's
            // (which gave NaN, or a loss stuck at chance, when the reordering was a view of it)
            assertThat(result.epochLosses().get(result.epochLosses().size() - 1)).isLessThan(0.35);
            assertThat(data.features().toFloatArray()).isEqualTo(set.featuresView());
        }
    }

    /**
     * Lets the JVM free the direct buffers no array holds any more (DJL frees a closed array's buffer when it is
     * collected) and fills memory of their size with NaN, so a tensor still reading a freed buffer reads NaN.
     */
    private static void reuseFreedNativeMemory(int floats) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 4; i++) {
                FloatBuffer filler = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                while (filler.hasRemaining()) {
                    filler.put(Float.NaN);
                }
            }
        }
    }

    @Test
    void aCnnAnswersTheChannelsLastTensorAsTheRowMajorOne() {
        TorchRuntime.engine();
        RecordSet set = images(16, 3, 8, 8);
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse("cnn:4,8,16", set.featureShape(), 2), 5);
             TensorData data = TensorData.of(set, model.manager())) {
            NDArray rowMajor = model.manager().create(set.featuresView(), new Shape(16, 3, 8, 8));
            float[] fromRowMajor = model.forward(rowMajor, false).toFloatArray();
            float[] fromChannelsLast = model.forward(data.features(), false).toFloatArray();
            assertThat(fromChannelsLast).hasSize(fromRowMajor.length);
            for (int i = 0; i < fromRowMajor.length; i++) {
                assertThat(fromChannelsLast[i]).as("logit %d", i).isCloseTo(fromRowMajor[i], Offset.offset(1e-4f));
            }
        }
    }
}
