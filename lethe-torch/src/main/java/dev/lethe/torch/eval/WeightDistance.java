package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.model.ModelHandle;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The L2 distance between two models' weights, ‖θ_a − θ_b‖₂ = sqrt(Σ over every parameter entry of
 * (a − b)²), for models of the same {@link dev.lethe.torch.model.ModelSpec}. A crude but common
 * unlearning metric (e.g. Thudi et al. 2022 "verification error" when b is the retrained model): two
 * retrainings from different seeds are already far apart, so read it relative to that, not to 0.
 *
 * <p>As an {@link UnlearningMetric} ({@code weight-distance}): {@code weight-l2} of the model under test to
 * the reference, when both are single models ({@link dev.lethe.torch.eval.metric.Classifier#model()}) of
 * the same spec; nothing otherwise.
 */
public final class WeightDistance implements UnlearningMetric {

    @Override
    public String name() {
        return "weight-distance";
    }

    @Override
    public MetricValues measure(MetricInput input) {
        if (input.reference() == null) {
            return MetricValues.empty();
        }
        Optional<ModelHandle> subject = input.subject().model();
        Optional<ModelHandle> reference = input.reference().model();
        if (subject.isEmpty() || reference.isEmpty() || !subject.get().spec().equals(reference.get().spec())) {
            return MetricValues.empty();
        }
        double l2 = l2(subject.get(), reference.get());
        return Double.isFinite(l2) ? new MetricValues(Map.of("weight-l2", l2), Map.of()) : MetricValues.empty();
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
