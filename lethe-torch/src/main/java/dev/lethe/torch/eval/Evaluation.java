package dev.lethe.torch.eval;

import dev.lethe.core.metrics.ConfusionMatrix;

import java.util.List;

/**
 * How a model does on one set of records.
 *
 * @param dataset the name of the evaluated set
 * @param records how many records were evaluated
 * @param meanLoss mean softmax cross-entropy
 * @param confusion the confusion matrix (rows = true class)
 * @param classNames class names, indexed by label
 */
public record Evaluation(String dataset, long records, double meanLoss, ConfusionMatrix confusion, List<String> classNames) {

    public double accuracy() {
        return confusion.accuracy();
    }

    public double[] perClassAccuracy() {
        return confusion.perClassAccuracy();
    }
}
