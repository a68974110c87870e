package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.TaskMetrics;
import dev.lethe.torch.train.TensorData;

/**
 * A model's outputs on a {@link RecordSet}, copied out as Java arrays: the input of every
 * membership-inference attack and output-space metric. The records' tensors are freed before returning.
 */
public final class ModelOutputs {

    private ModelOutputs() {
    }

    /** Softmax probabilities {@code [record][class]}. */
    public static float[][] probabilities(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().probabilities(model, data);
        }
    }

    /** Raw logits {@code [record][class]}. */
    public static float[][] logits(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().logits(model, data);
        }
    }

    /** The records' task's metrics (accuracy and loss; or token loss and perplexity). */
    public static TaskMetrics metrics(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().metrics(model, data);
        }
    }

    /** Accuracy and mean loss. */
    public static Evaluation evaluate(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().evaluate(model, data);
        }
    }

    /** Per-record losses under the records' task (cross-entropy for a classifier). */
    public static double[] losses(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().perRecordLosses(model, data);
        }
    }
}
