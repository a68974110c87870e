package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.Outputs;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.metrics.ConfusionMatrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code accuracy}: accuracy and mean cross-entropy on the forget, retain and test sets, and the test
 * accuracy of every class. Figures: {@code forget-acc}, {@code retain-acc}, {@code test-acc},
 * {@code forget-loss}, {@code test-loss}, {@code class-acc/<class name>} (classes without test records
 * are left out). After perfect unlearning the forget accuracy equals the reference's, which is the
 * accuracy on unseen data (or 0 for a forgotten class).
 */
public final class AccuracyProbe implements UnlearningMetric {

    /** Prefix of the per-class test accuracy figures. */
    public static final String CLASS_PREFIX = "class-acc/";

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public MetricValues measure(MetricInput context) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("forget-acc", confusion(context.subject(), context.forget()).accuracy());
        f.put("retain-acc", confusion(context.subject(), context.retain()).accuracy());
        ConfusionMatrix test = confusion(context.subject(), context.test());
        f.put("test-acc", test.accuracy());
        f.put("forget-loss", meanLoss(context.subject(), context.forget()));
        f.put("test-loss", meanLoss(context.subject(), context.test()));
        double[] perClass = test.perClassAccuracy();
        List<String> names = context.test().classNames();
        for (int c = 0; c < perClass.length; c++) {
            if (!Double.isNaN(perClass[c])) {
                f.put(CLASS_PREFIX + names.get(c), perClass[c]);
            }
        }
        return new MetricValues(f, Map.of());
    }

    private static ConfusionMatrix confusion(Classifier classifier, RecordSet records) {
        float[][] p = classifier.probabilities(records);
        ConfusionMatrix m = new ConfusionMatrix(records.numClasses());
        for (int i = 0; i < p.length; i++) {
            m.add(records.label(i), Outputs.predicted(p[i]));
        }
        return m;
    }

    private static double meanLoss(Classifier classifier, RecordSet records) {
        return java.util.Arrays.stream(Outputs.losses(classifier.probabilities(records), records.labels())).average().orElseThrow();
    }
}
