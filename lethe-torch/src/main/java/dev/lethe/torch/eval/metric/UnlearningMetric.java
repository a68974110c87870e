package dev.lethe.torch.eval.metric;

/**
 * One measurement of an unlearned model: given the model under test, the original and the retrained
 * reference (where there are), and the forget, retain and test sets ({@link MetricInput}), named
 * figures and curves ({@link MetricValues}). The one interface behind {@code lethe eval --reference}
 * ({@link dev.lethe.torch.eval.RetrainComparison} measures every figure through metrics) and
 * {@code lethe bench scenario} (every evidence probe is a metric, registered in
 * {@link dev.lethe.torch.scenario.evidence.EvidenceProbes}, the registry of the metrics a scenario run
 * measures); the probes' membership attacks run the attacks of
 * {@link dev.lethe.torch.eval.mia.MembershipInferenceAttacks}. A new metric is one class implementing
 * this interface and one {@code EvidenceProbes.register} call (docs/ARCHITECTURE.md, "adding a metric").
 *
 * <p>Rules: figure names are kebab-case and unique across the metrics a caller runs together; a figure
 * that cannot be computed (e.g. a weight distance for an ensemble, {@link Classifier#model()} empty, or
 * a distance without a reference) is left out rather than written as NaN; a metric frees every array it
 * allocates. Not DJL's {@code Metric}: those score batches during training, this scores a whole model
 * after unlearning.
 */
public interface UnlearningMetric {

    /** The metric's id, e.g. {@code accuracy}, {@code mia-loss}, {@code retrain-distance}. */
    String name();

    /** The figures of {@code input.subject()}. */
    MetricValues measure(MetricInput input);
}
