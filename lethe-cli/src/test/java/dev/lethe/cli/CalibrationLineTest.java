package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.torch.method.StrengthCalibration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NOT MET line of {@code lethe unlearn} says what the value used did in its trial, read from the receipt's calibration
 * as it is stored (JSON): the receipt of grad-ascent on the image-segmentation data, seed 42 (docs/BENCHMARKS.md,
 * "Held-out data"), and kl's, whose trials carry the ascent weight they ran with (a retry).
 */
class CalibrationLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theValueUsedIsDescribedByItsOwnTrial() throws Exception {
        Map<?, ?> calibration = JSON.readValue("""
                {"option": "grad-ascent.learningRate", "value": "0.00125", "met": false, "originalRetainAccuracy": 0.938,
                 "trials": [{"value": "0.01", "forgetAccuracy": 0.015, "retainAccuracy": 0.552, "unseenForgetAccuracy": 0.143},
                            {"value": "0.00125", "forgetAccuracy": 0.225, "retainAccuracy": 0.887, "unseenForgetAccuracy": 0.333}],
                 "fallback": "costs the kept records least"}""", Map.class);
        assertThat(UnlearnCommand.chosenTrial(calibration))
                .isEqualTo(": it left the forget records at 0.225 (the class's unseen records 0.333) and cost the kept records 5.1 points");
    }

    @Test
    void aRetriedTrialIsMatchedByItsRetryValueAndATrialWithoutAnUnseenCheckSaysNothingOfIt() throws Exception {
        Map<?, ?> calibration = JSON.readValue("""
                {"option": "kl.updateScale", "value": "0.7", "met": false, "originalRetainAccuracy": 0.91,
                 "retryOption": "kl.forgetWeight", "retryValue": "0.3",
                 "trials": [{"value": "0.7", "forgetAccuracy": 0.27, "retainAccuracy": 0.938, "unseenForgetAccuracy": "NaN"},
                            {"value": "0.7", "forgetAccuracy": 0.008, "retainAccuracy": 0.90, "unseenForgetAccuracy": "NaN", "retry": "0.3"}]}""",
                Map.class);
        assertThat(UnlearnCommand.chosenTrial(calibration)).isEqualTo(": it left the forget records at 0.008 and cost the kept records 1.0 points");
        assertThat(UnlearnCommand.chosenTrial(Map.of("value", "1"))).isEmpty();
    }

    @Test
    void theReportOfARunJustMadeHoldsTheCalibrationsOwnTrialsAndIsReadTheSameWay() {
        // what UnlearningRun puts in the report before it is stored: Trial records, NaN where no unseen check was made
        Map<String, Object> calibration = Map.of("option", "noise.updateScale", "value", "0.025", "originalRetainAccuracy", 0.938,
                "retryOption", "noise.scale", "retryValue", "0.1", "trials", java.util.List.of(
                        new StrengthCalibration.Trial("0.025", 0.797, 0.938, 0.667, null),
                        new StrengthCalibration.Trial("0.025", 0.4, 0.90, Double.NaN, "0.1")));
        assertThat(UnlearnCommand.chosenTrial(calibration)).isEqualTo(": it left the forget records at 0.400 and cost the kept records 3.8 points");
    }
}
