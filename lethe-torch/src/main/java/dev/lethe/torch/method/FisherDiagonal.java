package dev.lethe.torch.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.List;

/**
 * The diagonal of the empirical Fisher information as the methods here estimate it (Kirkpatrick et
 * al. 2017; Foster et al. 2023's "importances"): the mean over mini-batches of the squared gradient of
 * the batch's cross-entropy, {@code F = (1/B) Σ_b (∇θ L(θ; b))²}, per parameter entry.
 *
 * <p>No gradient step is taken: batches are the data's rows in order (no shuffle, so no draw), the
 * gradients are read into a per-batch manager and zeroed after each batch (the engine accumulates
 * them otherwise, docs/ARCHITECTURE.md#djl-and-pytorch). The model's weights do not change.
 */
final class FisherDiagonal {

    private FisherDiagonal() {
    }

    /**
     * The Fisher diagonal of {@code model} on {@code data}, one array per parameter in the order of
     * {@link ModelHandle#parameters()}, owned by {@code into}.
     */
    static List<NDArray> estimate(ModelHandle model, RecordSet data, int batchSize, NDManager into, Cancellation cancellation) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot estimate a Fisher diagonal on an empty set (" + data.name() + ")");
        }
        List<Pair<String, Parameter>> params = model.parameters();
        List<NDArray> sums = new ArrayList<>();
        for (Pair<String, Parameter> p : params) {
            NDArray w = p.getValue().getArray();
            sums.add(into.zeros(w.getShape(), w.getDataType()));
        }
        Engine engine = TorchRuntime.engine();
        try (TensorData tensors = TensorData.of(data, model.manager())) {
            int n = tensors.size();
            int batches = (n + batchSize - 1) / batchSize;
            for (int b = 0; b < batches; b++) {
                cancellation.check();
                int from = b * batchSize;
                int[] positions = new int[Math.min(n, from + batchSize) - from];
                for (int k = 0; k < positions.length; k++) {
                    positions[k] = from + k;
                }
                try (NDScope scope = new NDScope(); NDManager scratch = tensors.manager().newSubManager()) {
                    NDArray[] xy = tensors.gather(positions, scratch);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        collector.backward(Objectives.crossEntropy(model.forward(xy[0], true), xy[1]));
                    }
                    for (int i = 0; i < params.size(); i++) {
                        NDArray grad = params.get(i).getValue().getArray().getGradient();
                        grad.attach(scratch);
                        sums.get(i).addi(grad.square());
                        grad.subi(grad);
                    }
                }
            }
            for (NDArray s : sums) {
                Scalars.divi(s, batches);
            }
        }
        return sums;
    }
}
