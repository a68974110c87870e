package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.OutputDivergence;
import dev.lethe.torch.eval.RelearnTime;
import dev.lethe.torch.eval.WeightDistance;
import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code retrain-distance}: how far the measured classifier is from the retrained reference beyond
 * accuracy, and whether what it forgot comes back.
 * <ul>
 *   <li>{@code js-forget}, {@code js-test}: mean Jensen–Shannon divergence (bits) of its output
 *       distributions from the reference's, on the forget and the test set (0 = the same answers);</li>
 *   <li>{@code weight-l2}: L2 distance of the weights to the reference's (same architecture only);</li>
 *   <li>{@code relearn-steps}: fine-tuning steps on the forget set until its mean loss is back to the
 *       original model's (Golatkar et al. 2020; {@link RelearnTime}), capped at {@link #RELEARN_CAP},
 *       with {@code relearn-capped} = 1 when the cap was hit. Suppression relearns in a few steps,
 *       removal about as slowly as the reference.</li>
 * </ul>
 * Weight distance and relearn time need one model ({@link Classifier#model()}), so a SISA ensemble
 * gets the divergences only. The figures are those of the {@link OutputDivergence}, {@link WeightDistance}
 * and {@link RelearnTime.Metric} metrics, which {@code lethe eval --reference} measures too.
 */
public final class RetrainDistanceProbe implements UnlearningMetric {

    /** Relearn steps measured at most. */
    static final int RELEARN_CAP = 200;

    private static final UnlearningMetric DIVERGENCE = new OutputDivergence();
    private static final UnlearningMetric WEIGHTS = new WeightDistance();
    /** Fine-tuned the way the original was trained. */
    private static final UnlearningMetric RELEARN = new RelearnTime.Metric(RELEARN_CAP, 0f);

    @Override
    public String name() {
        return "retrain-distance";
    }

    @Override
    public MetricValues measure(MetricInput context) {
        Map<String, Double> f = new LinkedHashMap<>(DIVERGENCE.measure(context).figures());
        f.putAll(WEIGHTS.measure(context).figures());
        Map<String, Double> relearn = RELEARN.measure(context).figures();
        for (String figure : List.of("relearn-steps", "relearn-capped")) {
            if (relearn.containsKey(figure)) {
                f.put(figure, relearn.get(figure));
            }
        }
        return new MetricValues(f, Map.of());
    }
}
