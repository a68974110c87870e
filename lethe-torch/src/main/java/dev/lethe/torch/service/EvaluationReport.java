package dev.lethe.torch.service;

import dev.lethe.torch.eval.Evaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Evaluation} as plain JSON-ready data.
 *
 * @param dataset evaluated set
 * @param records records evaluated
 * @param accuracy share correct
 * @param meanLoss mean cross-entropy
 * @param perClassAccuracy class name → accuracy (NaN → null for classes with no records)
 * @param confusionMatrix rows = true class, columns = predicted class
 */
public record EvaluationReport(String dataset, long records, double accuracy, double meanLoss,
                               Map<String, Double> perClassAccuracy, long[][] confusionMatrix) {

    public static EvaluationReport of(Evaluation e) {
        Map<String, Double> perClass = new LinkedHashMap<>();
        double[] acc = e.perClassAccuracy();
        List<String> names = e.classNames();
        for (int i = 0; i < acc.length; i++) {
            perClass.put(names.get(i), Double.isNaN(acc[i]) ? null : acc[i]);
        }
        return new EvaluationReport(e.dataset(), e.records(), e.accuracy(), e.meanLoss(), perClass, e.confusion().counts());
    }
}
