package dev.lethe.torch.scenario.evidence;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.train.TrainConfig;

/**
 * What a probe sees for one measurement: the classifier under test, the original model (before any
 * unlearning) and the retrained reference (trained from scratch on {@code retain}), and the sets as they
 * stand at this step of the scenario.
 *
 * @param subject the classifier being measured (an unlearned model, the original, the reference, or a SISA ensemble)
 * @param original the model trained on the whole training set
 * @param reference the model retrained on {@code retain} only — the gold standard every gap is measured to
 * @param forget every record forgotten so far
 * @param retain the training records that remain
 * @param test the held-out (clean) test records
 * @param attackTest triggered non-target test records (backdoor scenario), or {@code null}
 * @param targetClass the backdoor's target class, or -1
 * @param seed the run seed, for probes that draw (shadow models, probes trained on features)
 * @param training how the original model was trained (batch size, optimizer, learning rate), for probes
 *                 that train (relearn time, shadow models)
 */
public record ProbeContext(Classifier subject, Classifier original, Classifier reference, RecordSet forget, RecordSet retain,
                           RecordSet test, RecordSet attackTest, int targetClass, long seed, TrainConfig training) {
}
