package dev.lethe.torch.eval.metric;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;

import java.util.Optional;

/**
 * What a metric is measured on: something that gives class probabilities for records — one model,
 * or a SISA ensemble (mean of the shards' softmax). Metrics that need the weights themselves (a
 * parameter distance, relearning) use {@link #model()}, which is empty for an ensemble.
 */
public interface Classifier {

    /** Softmax probabilities {@code [record][class]} for every record of {@code records}, in order. */
    float[][] probabilities(RecordSet records);

    /** The single model behind this classifier, if there is one. */
    Optional<ModelHandle> model();
}
