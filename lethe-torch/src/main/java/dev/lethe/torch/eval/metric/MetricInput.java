package dev.lethe.torch.eval.metric;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.train.TrainConfig;

/**
 * What an {@link UnlearningMetric} sees for one measurement: the classifier under test, the original
 * model (before any unlearning) and the retrained reference (trained from scratch on {@code retain}),
 * and the sets as they stand (in a scenario: at this step of it).
 *
 * @param subject the classifier being measured (an unlearned model, the original, the reference, or a SISA ensemble)
 * @param original the model trained on the whole training set; null where there is none (metrics that need it measure nothing)
 * @param reference the model retrained on {@code retain} only — the gold standard every gap is measured to; null where there is none
 * @param forget every record forgotten so far
 * @param retain the training records that remain
 * @param test the held-out (clean) test records
 * @param attackTest triggered non-target test records (backdoor scenario), or {@code null}
 * @param targetClass the backdoor's target class, or -1
 * @param seed the run seed, for metrics that draw (shadow models, probes trained on features)
 * @param training how the original model was trained (batch size, optimizer, learning rate), for metrics
 *                 that train (relearn time, shadow models)
 */
public record MetricInput(Classifier subject, Classifier original, Classifier reference, RecordSet forget, RecordSet retain,
                           RecordSet test, RecordSet attackTest, int targetClass, long seed, TrainConfig training) {

    /** The same input with {@code other} as the classifier under test (e.g. the reference, to compare with it). */
    public MetricInput withSubject(Classifier other) {
        return new MetricInput(other, original, reference, forget, retain, test, attackTest, targetClass, seed, training);
    }
}
