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
import java.util.function.BinaryOperator;

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
        return meanSquaredGradient(model, data, batchSize, into, cancellation, Objectives::crossEntropy);
    }

    /**
     * The same estimator applied to the squared L2 norm of the model's outputs (its logits) instead of the loss,
     * {@code (1/B) Σ_b (∇θ mean_{x∈b} ‖f(x)‖²)²}: how much a parameter moves the outputs on the data, whatever the labels.
     * This is the importance of loss-free SSD (Foster, Schoepf and Brintrup 2024, "Loss-Free Machine Unlearning", ICLR
     * Tiny Papers), after Memory Aware Synapses (Aljundi et al. 2018); they average the absolute per-record gradient, this
     * averages squared batch gradients, as {@link #estimate} does, so that the two importances compare alike. Unlike the
     * empirical Fisher it does not vanish on records the model fits with confidence: a class the model never gets wrong
     * has a forget-set Fisher near 0 everywhere, while the outputs it drives still depend on its parameters.
     */
    static List<NDArray> outputSensitivity(ModelHandle model, RecordSet data, int batchSize, NDManager into, Cancellation cancellation) {
        return meanSquaredGradient(model, data, batchSize, into, cancellation, (outputs, labels) -> outputs.square().sum(new int[]{1}).mean());
    }

    /** {@code (1/B) Σ_b (∇θ objective(f(x_b), y_b))²} per parameter entry, over the batches of {@code data} in order. */
    private static List<NDArray> meanSquaredGradient(ModelHandle model, RecordSet data, int batchSize, NDManager into,
                                                     Cancellation cancellation, BinaryOperator<NDArray> objective) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot estimate an importance on an empty set (" + data.name() + ")");
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
                        collector.backward(objective.apply(model.forward(xy[0], true), xy[1]));
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
