package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.Curve;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.Outputs;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.core.metrics.RocCurve;
import dev.lethe.core.mia.AttackResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mia-loss}: the loss-threshold membership-inference attack (Yeom et al. 2018, "Privacy Risk in
 * Machine Learning"; score = −ℓ(x, y), higher = "member") with the forget set as members and the test
 * set as non-members. Figures: {@code mia-auc} (0.5 = the forget set looks like unseen data, which is
 * what retraining gives for random records), {@code mia-tpr@1%fpr} and {@code mia-tpr@0.1%fpr} (the
 * low-false-positive view Carlini et al. 2022 argue for); curve {@code roc-loss}.
 */
public final class LossAttackProbe implements UnlearningMetric {

    private static final int CURVE_POINTS = 200;

    @Override
    public String name() {
        return "mia-loss";
    }

    @Override
    public MetricValues measure(MetricInput context) {
        double[] members = negated(Outputs.losses(context.subject().probabilities(context.forget()), context.forget().labels()));
        double[] nonMembers = negated(Outputs.losses(context.subject().probabilities(context.test()), context.test().labels()));
        AttackResult r = AttackResult.of("loss", members, nonMembers);
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("mia-auc", r.auc());
        f.put("mia-tpr@1%fpr", r.tprAt1PercentFpr());
        f.put("mia-tpr@0.1%fpr", r.tprAtTenthPercentFpr());
        RocCurve roc = r.roc();
        return new MetricValues(f, Map.of("roc-loss", new Curve(roc.fpr(), roc.tpr()).thinned(CURVE_POINTS)));
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }
}
