package dev.lethe.torch.scenario.evidence;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.registry.Registry;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.scenario.ScenarioSpec;
import dev.lethe.torch.scenario.bench.BenchListener;
import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.ScenarioBench;
import dev.lethe.torch.scenario.bench.ScenarioBenchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe registry lists the built-ins, and a probe defined only here is measured by a scenario run like them. */
class EvidenceProbesTest {

    /** A toy probe: how many records the measured step has forgotten so far. */
    private static final class ForgetCountProbe implements UnlearningMetric {
        @Override
        public String name() {
            return "forget-count";
        }

        @Override
        public MetricValues measure(MetricInput context) {
            return new MetricValues(Map.of("forget-count", (double) context.forget().size()), Map.of());
        }
    }

    @Test
    void theBuiltInProbesAreListedInTheirOrder() {
        assertThat(EvidenceProbes.all()).extracting(UnlearningMetric::name)
                .containsExactly("accuracy", "mia-loss", "mia-learned", "backdoor", "retrain-distance");
    }

    @Test
    void aProbeDefinedOutsideTheRegistryIsMeasuredOnEveryRowOfAScenarioRun(@TempDir Path out) throws Exception {
        ScenarioBenchConfig config = new ScenarioBenchConfig(DatasetRef.digits(42), ScenarioSpec.defaults("random"), List.of("retrain"),
                List.of(42L), "mlp:16", 1, 64, 2e-3f, null, 2, "cpu");
        try (Registry.Registration ignored = EvidenceProbes.register(new ForgetCountProbe())) {
            assertThat(EvidenceProbes.all()).extracting(UnlearningMetric::name).endsWith("retrain-distance", "forget-count");
            ScenarioBench.Outcome outcome = new ScenarioBench(config, EvidenceProbes.all(), ReferenceGaps.standard(), BenchListener.NONE).run(out);
            assertThat(outcome.results()).extracting(MethodResult::method).containsExactly("original", "retrain");
            // retrain is measured after the request, so the toy probe sees its forget set
            assertThat(outcome.results().get(1).figures().get("forget-count")).isPositive();
            assertThat(outcome.results()).allSatisfy(r -> assertThat(r.figures()).containsKey("test-acc").containsKey("forget-count"));
        }
        assertThat(EvidenceProbes.all()).extracting(UnlearningMetric::name).doesNotContain("forget-count");
    }
}
