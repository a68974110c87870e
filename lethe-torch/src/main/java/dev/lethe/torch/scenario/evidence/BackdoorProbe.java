package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.Outputs;
import dev.lethe.torch.eval.metric.UnlearningMetric;

import java.util.Map;

/**
 * {@code backdoor}: the attack success rate of a planted trigger (Gu et al. 2017, BadNets; Goel et al.
 * 2024): {@code asr = |{x ∈ attackTest : f(x) = target}| / |attackTest|}, where {@code attackTest} holds
 * the triggered test images whose true class is not the target. Clean accuracy is {@code test-acc}
 * ({@link AccuracyProbe}). Measures nothing outside the backdoor scenario.
 */
public final class BackdoorProbe implements UnlearningMetric {

    @Override
    public String name() {
        return "backdoor";
    }

    @Override
    public MetricValues measure(MetricInput context) {
        if (context.attackTest() == null) {
            return MetricValues.empty();
        }
        return new MetricValues(Map.of("asr", successRate(context.subject().probabilities(context.attackTest()), context.targetClass())), Map.of());
    }

    /** Share of the rows whose predicted class is {@code target}. */
    public static double successRate(float[][] probabilities, int target) {
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("the attack set is empty: no triggered non-target test image");
        }
        long hits = 0;
        for (float[] p : probabilities) {
            if (Outputs.predicted(p) == target) {
                hits++;
            }
        }
        return hits / (double) probabilities.length;
    }
}
