package dev.lethe.torch.method;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link StrengthCalibration}'s search walks a strength's grid, on trials measured on a data set no default was tuned
 * on (image segmentation, 7 classes, class 2 forgotten, seed 42; docs/BENCHMARKS.md, "Held-out data"). prune-finetune
 * prunes 80 % of the weights and repairs on the retain set; the straight path from the original to its result crosses a
 * barrier: the kept classes' validation records fall from 0.938 to 0.73 halfway and are back at 0.938 at the end, where
 * the class is gone. An update scale's search still tries the whole update after that break; a knob that changes what the
 * method does stops at it. And, on trials measured on a second such data set (Statlog satellite), where the search goes
 * between a value that keeps and one that forgets: past the grid's weak end, and in a retry's grid, whose bound is half
 * the keeping allowance.
 */
class CalibrationSearchTest {

    /** The original keeps 0.938 of the 194 validation records of the kept classes; the class is aimed at 0. */
    private static final StrengthCalibration.Bounds BOUNDS = new StrengthCalibration.Bounds(0, 0.938, StrengthCalibration.KEEP_VALIDATION, 194, 21);

    /** prune-finetune's update scale at seed 42: forget set, kept classes' validation records, the class's validation records. */
    private static final Map<String, StrengthCalibration.Trial> PRUNE_FINETUNE = Map.of(
            "0.1", new StrengthCalibration.Trial("0.1", 0.616, 0.912, 0.619),
            "0.2", new StrengthCalibration.Trial("0.2", 0.410, 0.820, 0.476),
            "0.3", new StrengthCalibration.Trial("0.3", 0.251, 0.753, 0.286),
            "0.5", new StrengthCalibration.Trial("0.5", 0.033, 0.732, 0.0),
            "0.7", new StrengthCalibration.Trial("0.7", 0.0, 0.794, 0.0),
            "1", new StrengthCalibration.Trial("1", 0.0, 0.938, 0.0));

    /** Answers the measured trials; a value not measured (beyond the grid's weak end) keeps the rest and forgets nothing. */
    private static final class Measured implements StrengthCalibration.TrialRunner {
        private final Map<String, StrengthCalibration.Trial> trials;
        private final List<StrengthCalibration.Trial> done = new ArrayList<>();

        Measured(Map<String, StrengthCalibration.Trial> trials) {
            this.trials = trials;
        }

        @Override
        public StrengthCalibration.Trial run(String value) {
            StrengthCalibration.Trial t = trials.getOrDefault(value, new StrengthCalibration.Trial(value, 0.9, 0.938, 0.9));
            done.add(t);
            return t;
        }

        @Override
        public List<StrengthCalibration.Trial> done() {
            return done;
        }

        List<String> values() {
            return done.stream().map(StrengthCalibration.Trial::value).toList();
        }
    }

    @Test
    void pastABreakTheWholeUpdateIsTriedAndTakenWhenItKeepsTheRest() {
        Measured trials = new Measured(PRUNE_FINETUNE);
        StrengthCalibration.Choice choice = StrengthCalibration.search(trials, BOUNDS, Strength.updateScale("prune-finetune"));
        assertThat(trials.values()).containsExactly("0.1", "1");
        assertThat(choice.value()).isEqualTo("1");
        assertThat(choice.met()).isTrue();
    }

    @Test
    void aKnobThatChangesTheMethodStopsAtTheFirstValueThatBreaksTheKeepingBound() {
        // the same figures for a knob each value of which is its own run: a stronger value that keeps after one that broke
        // the bound is the check's sampling luck there, so nothing past 0.1 is tried
        Measured trials = new Measured(PRUNE_FINETUNE);
        StrengthCalibration.Choice choice = StrengthCalibration.search(trials, BOUNDS,
                new Strength("prune-finetune.ratio", List.of("0.1", "0.2", "0.3", "0.5", "0.7", "1")));
        assertThat(trials.values()).startsWith("0.1").doesNotContain("0.2", "0.3", "0.5", "0.7", "1");
        assertThat(choice.met()).isFalse();
    }

    @Test
    void pastABreakTheWholeUpdateMustKeepTheKeptRecordsWithHalfTheAllowance() {
        // the end costs 1.5 points: within the 2-point bound, not within half of it, so after the break it is not taken
        Map<String, StrengthCalibration.Trial> costlier = new java.util.HashMap<>(PRUNE_FINETUNE);
        costlier.put("1", new StrengthCalibration.Trial("1", 0.0, 0.923, 0.0));
        Measured trials = new Measured(costlier);
        StrengthCalibration.Choice choice = StrengthCalibration.search(trials, BOUNDS, Strength.updateScale("prune-finetune"));
        assertThat(trials.values()).contains("1");
        assertThat(choice.value()).isNotEqualTo("1");
        assertThat(choice.met()).isFalse();
        // nothing before the break kept the rest either, so weaker values beyond the grid were tried and one that keeps is used
        assertThat(choice.fallback()).isEqualTo(StrengthCalibration.FALLBACK_KEEPS);
        assertThat(Double.parseDouble(choice.value())).isLessThan(0.1);
    }

    @Test
    void aRequestThatAllowsTheKeptRecordsMoreTakesTheWholeUpdateThatTheDefaultRefuses() {
        // the same 1.5-point end: with 4 points allowed (--keep-within 0.04) half the allowance is 2 points, so it is taken
        Map<String, StrengthCalibration.Trial> costlier = new java.util.HashMap<>(PRUNE_FINETUNE);
        costlier.put("1", new StrengthCalibration.Trial("1", 0.0, 0.923, 0.0));
        StrengthCalibration.Bounds allowing = new StrengthCalibration.Bounds(0, 0.938, StrengthCalibration.KEEP_VALIDATION, 194, 21, 0.04);
        Measured trials = new Measured(costlier);
        StrengthCalibration.Choice choice = StrengthCalibration.search(trials, allowing, Strength.updateScale("prune-finetune"));
        assertThat(choice.value()).isEqualTo("1");
        assertThat(choice.met()).isTrue();
        assertThat(choice.retainDropMax()).isEqualTo(0.04);
        assertThat(choice.toReport()).containsEntry("retainDropMax", 0.04);
        // and the default's receipt says what it was held to
        assertThat(StrengthCalibration.search(new Measured(costlier), BOUNDS, Strength.updateScale("prune-finetune")).toReport())
                .containsEntry("retainDropMax", StrengthCalibration.RETAIN_DROP);
    }

    /** The satellite MLP (Statlog Landsat, 6 classes, class 2 forgotten, seed 42): 509 validation records of the kept classes. */
    private static final StrengthCalibration.Bounds SATELLITE = new StrengthCalibration.Bounds(0, 0.9194, StrengthCalibration.KEEP_VALIDATION, 509, 126);

    @Test
    void whenTheFirstValueBeyondTheWeakEndKeepsButDoesNotForgetTheValuesBetweenItAndTheStrongerOneAreTried() {
        // grad-ascent's η on the satellite MLP: the grid's weakest, 0.01, forgot the class and cost 2.5 points; 0.005 kept
        // the kept classes and left 3.2 % of the forget records; 0.0071 between them did both
        Measured trials = new Measured(Map.of(
                "0.01", new StrengthCalibration.Trial("0.01", 0.002, 0.894, 0.000),
                "0.005", new StrengthCalibration.Trial("0.005", 0.032, 0.929, 0.032),
                "0.007071", new StrengthCalibration.Trial("0.007071", 0.011, 0.912, 0.000)));
        StrengthCalibration.Choice choice = StrengthCalibration.search(trials, SATELLITE,
                new Strength("grad-ascent.learningRate", List.of("0.01", "0.02", "0.05", "0.1", "0.2")));
        assertThat(trials.values()).containsExactly("0.01", "0.005", "0.007071");
        assertThat(choice.value()).isEqualTo("0.007071");
        assertThat(choice.met()).isTrue();
    }

    @Test
    void aRetrysGridIsSearchedWithHalfTheKeepingAllowanceSoAValueThatCostsMoreIsAStrongEndToRefineFrom() {
        // ssd's α with the loss-free importance (its retry) on the satellite MLP: α = 12.57 forgot the class and cost 1.3
        // points, within the whole allowance and not within the half a retried value is held to
        Map<String, StrengthCalibration.Trial> measured = Map.of(
                "25", new StrengthCalibration.Trial("25", 0.599, 0.921, 0.548),
                "10", new StrengthCalibration.Trial("10", 0.001, 0.890, 0.000),
                "15.81", new StrengthCalibration.Trial("15.81", 0.175, 0.925, 0.175),
                "12.57", new StrengthCalibration.Trial("12.57", 0.001, 0.906, 0.000),
                "14.1", new StrengthCalibration.Trial("14.1", 0.060, 0.921, 0.056));
        Strength alpha = new Strength("ssd.alpha", List.of("200", "100", "50", "25", "10", "5", "2"));
        Measured whole = new Measured(measured);
        assertThat(StrengthCalibration.search(whole, SATELLITE, alpha).value()).isEqualTo("12.57");
        Measured half = new Measured(measured);
        StrengthCalibration.Choice retried = StrengthCalibration.search(half, SATELLITE.retried(), alpha);
        assertThat(half.values()).containsSubsequence("25", "10", "15.81", "12.57", "14.1");
        assertThat(retried.value()).isNotEqualTo("12.57");
        assertThat(retried.met()).isFalse();
    }

    @Test
    void theRequestsAllowanceDecidesWhichValueKeepsTheRestAndARetriedValueIsHeldToHalfOfIt() {
        Map<String, StrengthCalibration.Trial> measured = Map.of(
                "0.01", new StrengthCalibration.Trial("0.01", 0.002, 0.894, 0.000),
                "12.57", new StrengthCalibration.Trial("12.57", 0.001, 0.906, 0.000));
        // grad-ascent's η = 0.01 cost the kept classes 2.5 points: refused at the default 2, the first value met at 3
        StrengthCalibration.Bounds threePoints = new StrengthCalibration.Bounds(0, 0.9194, StrengthCalibration.KEEP_VALIDATION, 509, 126, 0.03);
        Strength eta = new Strength("grad-ascent.learningRate", List.of("0.01", "0.02", "0.05", "0.1", "0.2"));
        assertThat(StrengthCalibration.search(new Measured(measured), SATELLITE, eta).value()).isNotEqualTo("0.01");
        StrengthCalibration.Choice allowed = StrengthCalibration.search(new Measured(measured), threePoints, eta);
        assertThat(allowed.value()).isEqualTo("0.01");
        assertThat(allowed.met()).isTrue();
        // ssd's retried α = 12.57 cost 1.3 points: over half of 2, within half of 3
        Strength alpha = new Strength("ssd.alpha", List.of("200", "100", "50", "25", "12.57", "10"));
        assertThat(StrengthCalibration.search(new Measured(measured), SATELLITE.retried(), alpha).value()).isNotEqualTo("12.57");
        assertThat(StrengthCalibration.search(new Measured(measured), threePoints.retried(), alpha).value()).isEqualTo("12.57");
        assertThat(threePoints.retried().retainDrop()).isEqualTo(0.015);
        assertThat(threePoints.retried().allowance()).isEqualTo(0.03);
    }
}
