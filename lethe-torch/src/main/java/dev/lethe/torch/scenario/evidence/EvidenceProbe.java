package dev.lethe.torch.scenario.evidence;

/**
 * One step of evidence: measures named figures (and curves) of a classifier after unlearning. The
 * scenario harness runs a list of probes on every (seed, method, step) and on the original, the
 * retrained reference and SISA, and puts every figure into the JSON, CSV, Markdown and HTML reports;
 * gaps to the reference are computed afterwards from the figures ({@link ReferenceGaps}).
 *
 * <p>A probe is how further evidence plugs in without touching the harness: a retrain comparison
 * (output divergence to the reference, parameter distance, relearn time, a linear probe) or a stronger
 * membership attack (learned, shadow-model, LiRA) implements this interface and is registered in
 * {@link EvidenceProbes}. Rules: figure names are kebab-case and unique across probes; a figure that
 * cannot be computed (e.g. a weight distance for an ensemble, {@link Classifier#model()} empty) is left
 * out; a probe frees every array it allocates.
 */
public interface EvidenceProbe {

    /** The probe's id, e.g. {@code accuracy}, {@code mia-loss}, {@code backdoor}. */
    String name();

    /** The figures of {@code context.subject()}. */
    Evidence measure(ProbeContext context);
}
