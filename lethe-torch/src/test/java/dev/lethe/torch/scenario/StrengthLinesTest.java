package dev.lethe.torch.scenario;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.ScenarioBenchConfig;
import dev.lethe.torch.scenario.report.ScenarioReport;
import dev.lethe.torch.scenario.report.StrengthLines;
import dev.lethe.torch.scenario.report.Summary;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's line per calibrated method counts met runs over seeds and, in a sequential run, over the requests calibrated. */
class StrengthLinesTest {

    @Test
    void metRunsAreCountedOverSeedsAndRequestsAndEachValueIsNamed() {
        Map<String, Object> met = Map.of("option", "scrub.updateScale", "value", "0.3", "met", true, "retryOption", "scrub.maxEpochs",
                "retryValue", "2");
        Map<String, Object> kept = Map.of("option", "scrub.updateScale", "value", "0.2", "met", false, "fallback", "forgets most of those that keep");
        List<MethodResult> results = List.of(
                result(42, "original", Map.of()),
                result(42, "scrub", Map.of("calibration", kept)),
                result(43, "scrub", Map.of("calibration", met)),
                result(42, "rmu", Map.of("calibration", java.util.Arrays.asList(met, null, kept))));

        Map<String, String> lines = StrengthLines.of(results);

        assertThat(lines).containsOnlyKeys("scrub", "rmu");
        assertThat(lines.get("scrub")).isEqualTo("`scrub.updateScale`: met in 1 of 2 runs (seed 42: 0.2, not met; seed 43: 0.3, scrub.maxEpochs = 2)");
        // a sequential run: one receipt per request, none where a request was not calibrated
        assertThat(lines.get("rmu")).isEqualTo("`scrub.updateScale`: met in 1 of 2 runs (seed 42 request 1: 0.3, scrub.maxEpochs = 2; "
                + "seed 42 request 3: 0.2, not met)");
    }

    @Test
    void theLegendStatesTheKeepingBoundTheRunWasConfiguredWith() {
        // as ScenarioBench's configuration document holds it: the run's configuration under "config"
        ScenarioReport allowing = report(Map.of("config", config(0.055), "dataFingerprint", "f"));
        ScenarioReport byDefault = report(Map.of("config", config(null), "dataFingerprint", "f"));
        assertThat(StrengthLines.legend(byDefault.keepWithin())).contains("kept records within 2 points of the original's accuracy")
                .endsWith(StrengthLines.NOT_MET);
        assertThat(StrengthLines.legend(allowing.keepWithin())).contains("kept records within 5.5 points");
    }

    private static ScenarioBenchConfig config(Double keepWithin) {
        return new ScenarioBenchConfig(DatasetRef.digits(42), ScenarioSpec.defaults("random"), List.of("finetune"), List.of(42L), "mlp:64", 6,
                64, 1e-3f, null, 1, "cpu", Map.of(), keepWithin);
    }

    private static ScenarioReport report(Map<String, Object> config) {
        return new ScenarioReport("hash", config, Map.of(), List.of(), Summary.of(List.of()));
    }

    private static MethodResult result(long seed, String method, Map<String, Object> facts) {
        return new MethodResult(seed, method, 1.0, Map.of("test-acc", 0.9), Map.of(), List.of(), facts, null);
    }
}
