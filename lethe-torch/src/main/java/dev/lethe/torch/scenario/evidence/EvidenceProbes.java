package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.core.registry.Registry;

import java.util.List;

/**
 * The registry of evidence probes every scenario run measures: accuracy and loss per set and class,
 * the loss-threshold and the learned membership attacks, the backdoor's attack success rate, and the
 * distance to the retrained reference (output divergence, weight distance, relearn time) — then
 * whatever was {@link #register registered}, which {@code lethe bench scenario} measures and reports
 * like the built-in probes.
 */
public final class EvidenceProbes {

    private static final Registry<UnlearningMetric> REGISTRY = new Registry<>("evidence probe", "probes", UnlearningMetric::name,
            List.of(new AccuracyProbe(), new LossAttackProbe(), new LearnedAttackProbe(), new BackdoorProbe(), new RetrainDistanceProbe()), UnlearningMetric.class);

    private EvidenceProbes() {
    }

    /** Adds a probe after the existing ones; closing the registration removes it. */
    public static Registry.Registration register(UnlearningMetric probe) {
        return REGISTRY.register(probe);
    }

    /** Every probe, built-ins first: the list a scenario run measures. */
    public static List<UnlearningMetric> all() {
        return REGISTRY.all();
    }
}
