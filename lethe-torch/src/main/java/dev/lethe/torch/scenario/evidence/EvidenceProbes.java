package dev.lethe.torch.scenario.evidence;

import java.util.List;

/** The probes every scenario run measures by default; further probes are appended to this list. */
public final class EvidenceProbes {

    private EvidenceProbes() {
    }

    /**
     * Accuracy and loss per set and class, the loss-threshold and the learned membership attacks, the
     * backdoor's attack success rate, and the distance to the retrained reference (output divergence,
     * weight distance, relearn time).
     */
    public static List<EvidenceProbe> standard() {
        return List.of(new AccuracyProbe(), new LossAttackProbe(), new LearnedAttackProbe(), new BackdoorProbe(), new RetrainDistanceProbe());
    }
}
