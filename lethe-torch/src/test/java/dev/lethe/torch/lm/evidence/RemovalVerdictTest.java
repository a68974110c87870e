package dev.lethe.torch.lm.evidence;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemovalVerdictTest {

    private static final double NA = Double.NaN;
    /** A retain-only model: nothing of the forget set anywhere; the probe near chance. */
    private static final RemovalVerdict.Evidence RETAIN = new RemovalVerdict.Evidence(0.08, 0.01, 0.01, 0.08, 0.05, 0.5);

    @Test
    void figuresLikeTheRetainModelsOnEveryProbeAreRemoval() {
        RemovalVerdict v = RemovalVerdict.judge(new RemovalVerdict.Evidence(0.10, 0.05, 0.04, 0.12, 0.12, 0.6), RETAIN);
        assertThat(v.kind()).isEqualTo(RemovalVerdict.Kind.REMOVED);
        assertThat(v.findings()).isEmpty();
        assertThat(v.explanation()).startsWith("removal:");
    }

    @Test
    void forgottenOutputsWithAProbeThatStillFindsTheForgetSetAreSuppression() {
        RemovalVerdict v = RemovalVerdict.judge(new RemovalVerdict.Evidence(0.05, 0.02, 0.03, 0.10, 0.85, 0.55), RETAIN);
        assertThat(v.kind()).isEqualTo(RemovalVerdict.Kind.SUPPRESSED);
        assertThat(v.findings()).singleElement().asString().contains("relearning attack is 0.850 (retain model: 0.050, margin 0.100)");
    }

    @Test
    void outputsThatStillShowTheForgetSetAreRetainedWhateverTheProbesSay() {
        RemovalVerdict v = RemovalVerdict.judge(new RemovalVerdict.Evidence(0.95, 0.99, 0.9, 0.9, 0.99, 1.0), RETAIN);
        assertThat(v.kind()).isEqualTo(RemovalVerdict.Kind.RETAINED);
        assertThat(v.explanation()).contains("forget ROUGE-L 0.950 vs the retain model's 0.080");
    }

    @Test
    void withoutTheProbesIntoTheWeightsOrWithoutOutputsItIsInconclusive() {
        RemovalVerdict noWeights = RemovalVerdict.judge(new RemovalVerdict.Evidence(0.10, 0.05, NA, NA, NA, 0.5), RETAIN);
        assertThat(noWeights.kind()).isEqualTo(RemovalVerdict.Kind.INCONCLUSIVE);
        assertThat(noWeights.explanation()).contains("relearning attack and the hidden-state probe were not both measured");
        RemovalVerdict noOutputs = RemovalVerdict.judge(new RemovalVerdict.Evidence(NA, 0.05, 0.05, 0.1, 0.1, 0.5), RETAIN);
        assertThat(noOutputs.kind()).isEqualTo(RemovalVerdict.Kind.INCONCLUSIVE);
        // A leak found by a probe that was measured still counts when another was not.
        assertThat(RemovalVerdict.judge(new RemovalVerdict.Evidence(0.10, 0.9, NA, NA, NA, NA), RETAIN).kind())
                .isEqualTo(RemovalVerdict.Kind.SUPPRESSED);
    }

    @Test
    void aSecondRetainSeedWidensTheMarginsToItsNoise() {
        RemovalVerdict.Evidence method = new RemovalVerdict.Evidence(0.10, 0.05, 0.04, 0.12, 0.12, 0.75);
        // Against one reference, a probe 0.25 above it is a finding.
        assertThat(RemovalVerdict.judge(method, RETAIN).kind()).isEqualTo(RemovalVerdict.Kind.SUPPRESSED);
        // Two retrains whose probes differ by 0.1 widen the probe margin to 0.3: the same gap is noise.
        RemovalVerdict.Evidence otherSeed = new RemovalVerdict.Evidence(0.09, 0.01, 0.01, 0.08, 0.05, 0.6);
        assertThat(RemovalVerdict.judge(method, RETAIN, otherSeed, RemovalVerdict.Margins.defaults()).kind())
                .isEqualTo(RemovalVerdict.Kind.REMOVED);
        assertThatThrownBy(() -> new RemovalVerdict.Margins(-0.1, 0.1)).hasMessageContaining("margins must be numbers >= 0");
    }
}
