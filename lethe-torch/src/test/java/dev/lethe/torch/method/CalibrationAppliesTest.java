package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a run's strength is set from the data ({@link StrengthCalibration#applies}): class forgetting calibrates every
 * strength; record forgetting with validation records calibrates ssd's α and rmu's c but not an {@link UpdateScale},
 * whose calibration aimed poisoned records at the validation accuracy and left a backdoor in place (docs/BENCHMARKS.md,
 * "digits, backdoor") unless the request says the records are poisoned, and then aims at 0; an option the user set is
 * never calibrated.
 */
class CalibrationAppliesTest {

    private static final RecordSet TRAIN = ClassForgetting.TRAIN;
    private static final UnlearningData CLASS = new UnlearningData(ClassForgetting.DATA.forget(), ClassForgetting.DATA.retain(),
            ClassForgetting.TEST);
    private static final UnlearningData RECORDS = new UnlearningData(TRAIN.filter("forget", i -> i % 10 == 0),
            TRAIN.filter("retain", i -> i % 10 != 0), ClassForgetting.TEST);

    @Test
    void classForgettingCalibratesEveryStrength() {
        assertThat(StrengthCalibration.applies(new Npo(), Map.of(), CLASS)).isTrue();
        assertThat(StrengthCalibration.applies(new RandomLabel(), Map.of(), CLASS)).isTrue();
        assertThat(StrengthCalibration.applies(new SelectiveSynapticDampening(), Map.of(), CLASS)).isTrue();
    }

    @Test
    void recordForgettingCalibratesASelectionStrengthButNotAnUpdateScale() {
        assertThat(StrengthCalibration.applies(new SelectiveSynapticDampening(), Map.of(), RECORDS)).isTrue();
        assertThat(StrengthCalibration.applies(new RepresentationMisdirection(), Map.of(), RECORDS)).isTrue();
        assertThat(StrengthCalibration.applies(new Npo(), Map.of(), RECORDS)).isFalse();
        assertThat(StrengthCalibration.applies(new KlRetain(), Map.of(), RECORDS)).isFalse();
        assertThat(StrengthCalibration.applies(new RandomLabel(), Map.of(), RECORDS)).isFalse();
    }

    @Test
    void poisonedRecordsCalibrateAnUpdateScaleAimedAtZero() {
        UnlearningData poisoned = RECORDS.withPoisoned(true);
        assertThat(StrengthCalibration.applies(new Npo(), Map.of(), poisoned)).isTrue();
        assertThat(StrengthCalibration.applies(new RandomLabel(), Map.of(), poisoned)).isTrue();
        // without validation records too: the target is 0, not the unseen records' accuracy
        assertThat(StrengthCalibration.applies(new Npo(), Map.of(), new UnlearningData(RECORDS.forget(), RECORDS.retain(), null)
                .withPoisoned(true))).isTrue();
        try (ModelHandle original = ClassForgetting.original()) {
            StrengthCalibration.Choice aimedAtZero = StrengthCalibration.choose(new SelectiveSynapticDampening(), Map.of(), original,
                    poisoned, ClassForgetting.context(3)).orElseThrow();
            StrengthCalibration.Choice aimedAtUnseen = StrengthCalibration.choose(new SelectiveSynapticDampening(), Map.of(), original,
                    RECORDS, ClassForgetting.context(3)).orElseThrow();
            assertThat(aimedAtZero.forgetTarget()).isEqualTo(0.0);
            // an erasure aims at the accuracy of records the model never saw: the digits MLP's on its test set
            assertThat(aimedAtUnseen.forgetTarget()).isGreaterThan(0.8);
        }
    }

    @Test
    void anOptionTheUserSetIsNeverCalibrated() {
        assertThat(StrengthCalibration.applies(new Npo(), Map.of("npo.updateScale", "1"), CLASS)).isFalse();
        assertThat(StrengthCalibration.applies(new SelectiveSynapticDampening(), Map.of("ssd.alpha", "10"), RECORDS)).isFalse();
    }
}
