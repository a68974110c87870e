package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TensorData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Loss-free SSD's importance ({@link FisherDiagonal#outputSensitivity}) is what it says: the mean over batches of the
 * squared gradient of the batch's mean squared logit norm. For a linear model {@code f(x) = Wx + b} the gradient with
 * respect to {@code b} is {@code 2 · mean_i f(x_i)}, so the bias's importance can be computed from the outputs alone.
 */
class OutputSensitivityTest {

    @Test
    void theBiasImportanceOfALinearModelIsTheSquaredMeanOfTwiceItsOutputs() {
        RecordSet records = ClassForgetting.TRAIN.select("first-120", java.util.stream.IntStream.range(0, 120).toArray());
        int batchSize = 40;
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse("logreg", new int[]{64}, 10), 3);
             NDManager m = model.manager().newSubManager();
             TensorData data = TensorData.of(records, model.manager())) {
            List<NDArray> importance = FisherDiagonal.outputSensitivity(model, records, batchSize, m, new Cancellation());
            List<Pair<String, Parameter>> parameters = model.parameters();
            int bias = parameters.size() - 1;
            assertThat(parameters.get(bias).getValue().getArray().getShape().dimension()).as("the last parameter is the bias").isEqualTo(1);
            double[] expected = new double[10];
            for (int b = 0; b < 3; b++) {
                int[] positions = java.util.stream.IntStream.range(b * batchSize, (b + 1) * batchSize).toArray();
                try (NDManager scratch = m.newSubManager()) {
                    NDArray[] xy = data.gather(positions, scratch);
                    float[] outputs = model.forward(xy[0], false).toFloatArray();
                    for (int k = 0; k < 10; k++) {
                        double mean = 0;
                        for (int i = 0; i < batchSize; i++) {
                            mean += outputs[i * 10 + k];
                        }
                        double gradient = 2 * mean / batchSize;
                        expected[k] += gradient * gradient / 3;
                    }
                }
            }
            float[] actual = importance.get(bias).toFloatArray();
            for (int k = 0; k < 10; k++) {
                assertThat((double) actual[k]).isCloseTo(expected[k], within(1e-5 + 1e-4 * expected[k]));
            }
            assertThat(java.util.Arrays.stream(expected).max().orElseThrow()).as("a bias that moves the outputs").isGreaterThan(1e-3);
        }
    }
}
