package dev.lethe.torch.scenario.report;

import dev.lethe.torch.method.StrengthCalibration;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.ScenarioBench;
import dev.lethe.torch.scenario.bench.ScenarioBenchConfig;
import dev.lethe.torch.service.TrainService;

import java.util.List;
import java.util.Map;

/**
 * Everything a scenario run's report says, as written to {@code report.json}: the resolved configuration
 * (with the data fingerprint) and its hash, the versions that produced it, every (seed, method) result
 * and their summary over the seeds. Contains no timestamp, so the same results give the same report.
 *
 * @param configHash SHA-256 of the configuration and the data fingerprint
 * @param config the resolved configuration, as in {@code config.json}
 * @param versions Lethe (its version and the digest of its compiled code), Java, DJL, PyTorch and the OS
 * @param results every result, seeds in order
 * @param summary mean ± std over the seeds
 */
public record ScenarioReport(String configHash, Map<String, Object> config, Map<String, String> versions, List<MethodResult> results,
                             Summary summary) {

    /** The headline figures of the tables, in column order; a column is shown when some row has it. */
    public static final List<String> HEADLINE = List.of("test-acc", "retain-acc", "forget-acc", "mia-auc", "mia-tpr@1%fpr", "asr",
            "avg-gap", "seconds", "retrain-share");

    /**
     * The figures of the second table: beyond accuracy — the learned attack's MIA-efficacy and AUC, the
     * output divergence and weight distance to the reference, and the relearn time.
     */
    public static final List<String> EVIDENCE = List.of("mia-efficacy", "learned-auc", "js-forget", "js-test", "weight-l2", "relearn-steps",
            "relearn-capped");

    /** The report of a finished run, with the versions of this process's Lethe, Java, DJL and PyTorch. */
    public static ScenarioReport of(ScenarioBench.Outcome outcome) {
        return new ScenarioReport(outcome.folder().configHash(), outcome.config(), TrainService.versions(TorchRuntime.engine()),
                outcome.results(), Summary.of(outcome.results()));
    }

    /** The headline figures some row of this report has. */
    public List<String> columns() {
        return HEADLINE.stream().filter(summary::has).toList();
    }

    /** The {@link #EVIDENCE} figures some row of this report has. */
    public List<String> evidenceColumns() {
        return EVIDENCE.stream().filter(summary::has).toList();
    }

    /**
     * The keeping allowance the run's strengths were set with: its {@link ScenarioBenchConfig#allowance()}
     * ({@code config.config}, as {@link ScenarioBench#configDocument} holds it), or the default without one.
     */
    public double keepWithin() {
        return config.get("config") instanceof ScenarioBenchConfig run ? run.allowance() : StrengthCalibration.RETAIN_DROP;
    }
}
