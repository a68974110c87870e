package dev.lethe.core.mia;

import dev.lethe.core.metrics.RocCurve;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class PopulationScoreTest {

    @Test
    void scoresFollowTheirFormulas() {
        float[] p = {0.7f, 0.2f, 0.1f};
        assertThat(PopulationScore.LOSS.score(p, 0)).isCloseTo(Math.log(0.7), offset(1e-6));
        assertThat(PopulationScore.CONFIDENCE.score(p, 1)).isCloseTo(0.2, offset(1e-6));
        double h = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1));
        assertThat(PopulationScore.ENTROPY.score(p, 2)).isCloseTo(-h, offset(1e-6));
        double mentr = -(1 - 0.7) * Math.log(0.7) - 0.2 * Math.log(0.8) - 0.1 * Math.log(0.9);
        assertThat(PopulationScore.MODIFIED_ENTROPY.score(p, 0)).isCloseTo(-mentr, offset(1e-6));
        // modified entropy punishes a confident wrong prediction; plain entropy cannot tell
        float[] confidentWrong = {0.98f, 0.01f, 0.01f};
        assertThat(PopulationScore.ENTROPY.score(confidentWrong, 1)).isEqualTo(PopulationScore.ENTROPY.score(confidentWrong, 0));
        assertThat(PopulationScore.MODIFIED_ENTROPY.score(confidentWrong, 1)).isLessThan(PopulationScore.MODIFIED_ENTROPY.score(confidentWrong, 0));
    }

    @Test
    void rocCurveAndLowFalsePositiveRates() {
        RocCurve roc = RocCurve.of(new double[]{0.9, 0.8, 0.3}, new double[]{0.85, 0.2, 0.1});
        assertThat(roc.auc()).isCloseTo(7.0 / 9, offset(1e-12));
        assertThat(roc.fpr()[0]).isZero();
        assertThat(roc.tpr()[roc.tpr().length - 1]).isEqualTo(1.0);
        // at 0 false positives only the top member (0.9) is caught
        assertThat(roc.tprAtFpr(0.0)).isCloseTo(1.0 / 3, offset(1e-12));
        AttackResult r = AttackResult.of("loss", new double[]{2, 3}, new double[]{0, 1});
        assertThat(r.auc()).isEqualTo(1.0);
        assertThat(r.tprAt1PercentFpr()).isEqualTo(1.0);
    }
}
