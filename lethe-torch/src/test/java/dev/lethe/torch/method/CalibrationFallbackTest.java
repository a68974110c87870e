package dev.lethe.torch.method;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link StrengthCalibration} uses when no value meets both bounds, on trials measured on a data set no default was
 * tuned on (image segmentation, 7 classes, class 2 forgotten; docs/BENCHMARKS.md, "Held-out data: image segmentation"):
 * among the values that keep the kept records, the one that forgets most; when none keeps them, the one that costs them
 * least, never the one that buys forgetting with the kept records.
 */
class CalibrationFallbackTest {

    /** The original keeps 0.938 of the 194 validation records of the kept classes; the class is aimed at 0. */
    private static final StrengthCalibration.Bounds BOUNDS = new StrengthCalibration.Bounds(0, 0.938, StrengthCalibration.KEEP_VALIDATION, 194, 21);

    @Test
    void whenNoValueKeepsTheKeptRecordsTheOneThatCostsThemLeastIsUsed() {
        // grad-ascent's η: the grid's weakest, then three beyond it; each costs the kept classes more than 2 points
        List<StrengthCalibration.Trial> trials = List.of(
                new StrengthCalibration.Trial("0.01", 0.015, 0.552, 0.143),
                new StrengthCalibration.Trial("0.005", 0.026, 0.624, 0.143),
                new StrengthCalibration.Trial("0.0025", 0.063, 0.742, 0.143),
                new StrengthCalibration.Trial("0.00125", 0.225, 0.887, 0.333));
        assertThat(trials).noneMatch(BOUNDS::keeps);
        // the sum of the two shortfalls (the rule before) took 0.0025: 19.6 points of the kept classes for forgetting
        assertThat(StrengthCalibration.fallback(trials, BOUNDS).value()).isEqualTo("0.00125");
    }

    @Test
    void whenSomeValuesKeepTheKeptRecordsTheOneOfThemThatForgetsMostIsUsed() {
        // scrub's update scale: 0.1 and 0.05 cost over 2 points; 0.025 keeps them and forgets most of the rest
        List<StrengthCalibration.Trial> trials = List.of(
                new StrengthCalibration.Trial("0.1", 0.137, 0.835, 0.190),
                new StrengthCalibration.Trial("0.05", 0.458, 0.902, 0.524),
                new StrengthCalibration.Trial("0.025", 0.679, 0.933, 0.667),
                new StrengthCalibration.Trial("0.0125", 0.790, 0.938, 0.762));
        assertThat(StrengthCalibration.fallback(trials, BOUNDS).value()).isEqualTo("0.025");
    }

    @Test
    void theReportSaysWhichFallbackWasTaken() {
        StrengthCalibration.Choice kept = BOUNDS.choice("scrub.updateScale", "0.025", StrengthCalibration.FALLBACK_KEEPS, List.of());
        StrengthCalibration.Choice met = BOUNDS.choice("scrub.updateScale", "0.3", null, List.of());
        assertThat(kept.met()).isFalse();
        assertThat(kept.toReport()).containsEntry("fallback", StrengthCalibration.FALLBACK_KEEPS).containsEntry("met", false);
        assertThat(met.met()).isTrue();
        assertThat(met.toReport()).doesNotContainKey("fallback").containsEntry("met", true);
    }
}
