package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;

import java.util.List;

/**
 * The L2 distance between two models' weights, ‖θ_a − θ_b‖₂ = sqrt(Σ over every parameter entry of
 * (a − b)²), for models of the same {@link dev.lethe.torch.model.ModelSpec}. A crude but common
 * unlearning metric (e.g. Thudi et al. 2022 "verification error" when b is the retrained model): two
 * retrainings from different seeds are already far apart, so read it relative to that, not to 0.
 */
public final class WeightDistance {

    private WeightDistance() {
    }

    /** ‖θ_a − θ_b‖₂; refuses models of different specs. */
    public static double l2(ModelHandle a, ModelHandle b) {
        if (!a.spec().equals(b.spec())) {
            throw new IllegalArgumentException("weight distance needs the same architecture: " + a.spec() + " vs " + b.spec());
        }
        List<Pair<String, Parameter>> pa = a.parameters();
        List<Pair<String, Parameter>> pb = b.parameters();
        double sum = 0;
        try (NDScope scope = new NDScope()) {
            for (int i = 0; i < pa.size(); i++) {
                NDArray x = pa.get(i).getValue().getArray();
                NDArray y = pb.get(i).getValue().getArray();
                sum += x.sub(y).square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }
}
