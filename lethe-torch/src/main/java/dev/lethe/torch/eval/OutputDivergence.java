package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.runtime.TorchRuntime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Jensen–Shannon divergence between two models' output distributions, averaged over records: how
 * differently an unlearned model and the retrained reference answer on the same inputs, beyond
 * whether the top class agrees.
 *
 * <p>JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½ (p + q), in bits (log base 2), so it lies in [0, 1]: 0 for
 * identical outputs, 1 for outputs with disjoint support. Computed with DJL on the softmax outputs
 * (a probability of 0 contributes 0, as 0 · log 0 = 0).
 *
 * <p>As an {@link UnlearningMetric} ({@code output-divergence}): {@code js-forget} (when the forget set is
 * not empty) and {@code js-test}, the divergence of the classifier under test from the reference; nothing
 * without a reference.
 */
public final class OutputDivergence implements UnlearningMetric {

    private static final float EPS = 1e-12f;

    @Override
    public String name() {
        return "output-divergence";
    }

    @Override
    public MetricValues measure(MetricInput input) {
        Map<String, Double> f = new LinkedHashMap<>();
        if (input.reference() == null) {
            return MetricValues.empty();
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            if (input.forget().size() > 0) {
                f.put("js-forget", jensenShannon(input.subject().probabilities(input.forget()),
                        input.reference().probabilities(input.forget()), manager));
            }
            f.put("js-test", jensenShannon(input.subject().probabilities(input.test()), input.reference().probabilities(input.test()), manager));
        }
        return MetricValues.finite(f);
    }

    /** Mean JS divergence (bits) of two {@code [record][class]} probability tables, computed with DJL. */
    public static double jensenShannon(float[][] p, float[][] q, NDManager parent) {
        int n = p.length;
        int c = p[0].length;
        try (NDManager m = parent.newSubManager()) {
            NDArray pa = m.create(flatten(p, c), new Shape(n, c));
            NDArray qa = m.create(flatten(q, c), new Shape(n, c));
            NDArray mid = Scalars.div(pa.add(qa), 2f);
            NDArray logMid = mid.add(EPS).log();
            NDArray klP = pa.mul(pa.add(EPS).log().sub(logMid)).sum(new int[]{1});
            NDArray klQ = qa.mul(qa.add(EPS).log().sub(logMid)).sum(new int[]{1});
            NDArray js = Scalars.div(Scalars.maximum(Scalars.div(klP.add(klQ), 2f), 0f), (float) Math.log(2));
            return js.mean().getFloat();
        }
    }

    private static float[] flatten(float[][] rows, int c) {
        float[] flat = new float[rows.length * c];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * c, c);
        }
        return flat;
    }
}
