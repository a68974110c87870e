package dev.lethe.torch.sisa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.Architecture;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shard models of an ensemble of fully connected networks ({@code logreg}, {@code mlp}) run as one
 * network over stacked weights: layer l's weights of the S shards form one {@code S × in × out}
 * tensor, and a batch {@code X} ({@code B × d}) passes through all shards at once,
 * {@code H₁ = relu(X W₁ + b₁)} ({@code S × B × h₁}, a broadcast batched matmul), …,
 * {@code P = softmax(H_L)} ({@code S × B × K}). The arithmetic per shard is the same as the shard's
 * own forward pass; what changes is the number of engine calls — about 3 per layer instead of about
 * 3 per layer per shard — which is what a one-vector prediction costs on the CPU (each call crosses
 * JNI and dispatches a kernel, ~10–20 µs, while the maths for one vector takes less).
 *
 * <p>Built from the shards' weights when the ensemble is built; the ensemble's shards are not
 * changed afterwards. Convolutional shards are not stacked (their forward passes run one by one).
 */
final class StackedShards implements AutoCloseable {

    private final NDManager manager;
    private final List<NDArray> weights = new ArrayList<>(); // per layer: S × in × out
    private final List<NDArray> biases = new ArrayList<>();  // per layer: S × 1 × out

    private StackedShards(List<ModelHandle> shards) {
        manager = shards.get(0).manager().newSubManager();
        List<List<Pair<String, Parameter>>> params = shards.stream().map(ModelHandle::parameters).toList();
        for (int p = 0; p < params.get(0).size(); p += 2) {
            NDList w = new NDList();
            NDList b = new NDList();
            for (List<Pair<String, Parameter>> shard : params) {
                w.add(shard.get(p).getValue().getArray().transpose());
                NDArray bias = shard.get(p + 1).getValue().getArray();
                b.add(bias.reshape(1, bias.getShape().get(0)));
            }
            NDArray stackedW = NDArrays.stack(w);
            NDArray stackedB = NDArrays.stack(b);
            stackedW.attach(manager);
            stackedB.attach(manager);
            w.close();
            b.close();
            weights.add(stackedW);
            biases.add(stackedB);
        }
    }

    /**
     * The stacked form of {@code shards}, or empty when they are not all the same fully connected
     * network (weight, bias, weight, bias, … in forward order).
     */
    static Optional<StackedShards> of(List<ModelHandle> shards) {
        ModelSpec spec = shards.get(0).spec();
        if (spec.architecture() == Architecture.CNN || shards.stream().anyMatch(s -> !s.spec().equals(spec))) {
            return Optional.empty();
        }
        List<Pair<String, Parameter>> params = shards.get(0).parameters();
        for (int p = 0; p < params.size(); p++) {
            if (!params.get(p).getKey().endsWith(p % 2 == 0 ? "weight" : "bias")) {
                return Optional.empty();
            }
        }
        return Optional.of(new StackedShards(shards));
    }

    /** Softmax outputs {@code S × B × K} for {@code features} ({@code B × …}), in the caller's scope. */
    NDArray probabilities(NDArray features) {
        NDArray h = features.reshape(features.getShape().get(0), -1);
        for (int l = 0; l < weights.size(); l++) {
            h = h.matMul(weights.get(l)).add(biases.get(l));
            if (l < weights.size() - 1) {
                h = Activation.relu(h);
            }
        }
        return h.softmax(2);
    }

    @Override
    public void close() {
        manager.close();
    }
}
