package dev.lethe.torch.lm.bench;

import dev.lethe.torch.scenario.bench.BenchListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TOFU harness on steps without a model: row order, what is measured against what, resumption, failures. */
class TofuBenchTest {

    @TempDir
    Path dir;

    private static final Map<String, Map<String, Double>> SUMMARIES = Map.of(
            TofuRow.FULL, Map.of(TofuRow.FORGET_QUALITY, 0.0013, TofuRow.MODEL_UTILITY, 0.6),
            TofuRow.RETAIN, Map.of(TofuRow.FORGET_QUALITY, 1.0, TofuRow.MODEL_UTILITY, 0.6),
            "grad-diff", Map.of(TofuRow.FORGET_QUALITY, 0.4, TofuRow.MODEL_UTILITY, 0.55));

    private static TofuBenchConfig config(List<String> methods, int epochs) {
        return new TofuBenchConfig("tofu", "forget01", methods, 2, epochs, "gpt:32,2,2,128", 42, 1, 16);
    }

    private TofuBench.Outcome run(FakeTofuSteps steps, List<String> methods) throws Exception {
        return new TofuBench<>(config(methods, 1), steps, BenchListener.NONE).run(dir);
    }

    @Test
    void referenceRowsComeFirstAndEachModelIsMeasuredAgainstTheRetainLog() throws Exception {
        // Given steps for two methods
        FakeTofuSteps steps = new FakeTofuSteps(SUMMARIES);

        // When the benchmark runs
        TofuBench.Outcome outcome = run(steps, List.of("grad-diff", "npo"));

        // Then the table has the reference rows, then the methods, each evaluated into its own folder against the retain log
        assertThat(outcome.rows()).extracting(TofuRow::name)
                .containsExactly(TofuRow.FULL, TofuRow.RETAIN, TofuRow.NOISE_FLOOR, TofuRow.SUPPRESSION, "grad-diff", "npo");
        assertThat(outcome.rows()).extracting(TofuRow::role).containsExactly(TofuRow.Role.FULL, TofuRow.Role.RETAIN,
                TofuRow.Role.NOISE_FLOOR, TofuRow.Role.SUPPRESSION, TofuRow.Role.METHOD, TofuRow.Role.METHOD);
        assertThat(outcome.computed()).isEqualTo(6);
        assertThat(steps.calls).contains("evaluate retain against retain", "evaluate full against retain",
                "evaluate retain-seed-b against retain", "evaluate suppression-only against retain", "evaluate grad-diff against retain");
        assertThat(steps.calls).contains("train retain 42", "train retain " + config(List.of("npo"), 1).noiseFloorSeed());
        assertThat(dir.resolve("evals/npo/TOFU_SUMMARY.json")).exists();
        TofuRow gradDiff = outcome.rows().get(4);
        assertThat(gradDiff.evalDir()).isEqualTo(Path.of("evals", "grad-diff").toString());
        assertThat(gradDiff.figures()).containsEntry(TofuRow.FORGET_QUALITY, 0.4).containsEntry(TofuRow.RELEARNING_RECOVERY, 0.1)
                .containsEntry("probe_accuracy", 0.5).containsKey(TofuRow.SECONDS);
        assertThat(gradDiff.verdict()).isEqualTo("removal");
        // evidence is measured on the suppression baseline and the methods, not on the trained references
        assertThat(steps.calls).filteredOn(c -> c.startsWith("evidence")).containsExactly("evidence suppression-only", "evidence grad-diff",
                "evidence npo");
        assertThat(outcome.rows().get(0).figures()).containsKey(TofuRow.SECONDS).doesNotContainKey(TofuRow.RELEARNING_RECOVERY);
        assertThat(steps.models).allMatch(m -> m.closed);
    }

    @Test
    void aSecondRunReusesEveryFinishedRowAndTrainsNothing() throws Exception {
        // Given a finished run
        TofuBench.Outcome first = run(new FakeTofuSteps(SUMMARIES), List.of("grad-diff"));

        // When it runs again with the same configuration
        FakeTofuSteps again = new FakeTofuSteps(SUMMARIES);
        TofuBench.Outcome second = run(again, List.of("grad-diff"));

        // Then nothing is computed, not even a model loaded, and the rows are the same
        assertThat(second.computed()).isZero();
        assertThat(second.reused()).isEqualTo(5);
        assertThat(again.calls).isEmpty();
        assertThat(second.rows()).isEqualTo(first.rows());
    }

    @Test
    void aKilledRunContinuesFromTheSavedReferenceModels() throws Exception {
        // Given a run killed while evaluating its second method
        FakeTofuSteps killed = new FakeTofuSteps(SUMMARIES);
        killed.failOnEvaluate = "npo";
        assertThatThrownBy(() -> run(killed, List.of("grad-diff", "npo"))).isInstanceOf(IOException.class).hasMessageContaining("killed");
        assertThat(killed.models).allMatch(m -> m.closed);
        assertThat(dir.resolve("models/seed-42")).isDirectoryContaining("glob:**full.model").isDirectoryNotContaining("glob:**.partial");

        // When it is run again
        FakeTofuSteps resumed = new FakeTofuSteps(SUMMARIES);
        TofuBench.Outcome outcome = run(resumed, List.of("grad-diff", "npo"));

        // Then the references are loaded, not retrained, and only the missing method is computed
        assertThat(outcome.reused()).isEqualTo(5);
        assertThat(outcome.computed()).isEqualTo(1);
        assertThat(resumed.calls).noneMatch(c -> c.startsWith("train"));
        assertThat(resumed.calls).contains("load retain.model", "load full.model", "unlearn npo").doesNotContain("unlearn grad-diff");
        assertThat(outcome.rows()).extracting(TofuRow::name).endsWith("grad-diff", "npo");
    }

    @Test
    void aMethodThatRefusesBecomesAFailedRowAndTheOthersStillRun() throws Exception {
        // Given a method the steps refuse
        FakeTofuSteps steps = new FakeTofuSteps(SUMMARIES);
        steps.refuse = "rmu";

        // When the benchmark runs it and another
        TofuBench.Outcome outcome = run(steps, List.of("rmu", "grad-diff"));

        // Then its row says why, with no figures, and the next method ran from the full model
        TofuRow rmu = outcome.rows().get(4);
        assertThat(rmu.succeeded()).isFalse();
        assertThat(rmu.error()).contains("does not serve a language model");
        assertThat(rmu.figures()).isEmpty();
        assertThat(outcome.rows().get(5).succeeded()).isTrue();
    }

    @Test
    void aFolderOfAnotherConfigurationIsRefused() throws Exception {
        // Given a finished run with one epoch
        run(new FakeTofuSteps(SUMMARIES), List.of("grad-diff"));

        // When the same folder is used with two epochs, then it is refused before any work
        FakeTofuSteps steps = new FakeTofuSteps(SUMMARIES);
        assertThatThrownBy(() -> new TofuBench<>(config(List.of("grad-diff"), 2), steps, BenchListener.NONE).run(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another configuration");
        assertThat(steps.calls).isEmpty();
    }

    @Test
    void theConfigHashDoesNotDependOnTheOrderTheOptionsCameIn() throws Exception {
        // Given the same options given in two orders (the CLI's repeated --opt), through maps of any iteration order
        java.util.Map<String, String> one = new java.util.LinkedHashMap<>();
        one.put("npo.learningRate", "2e-4");
        one.put("grad-diff.epochs", "5");
        one.put("npo.epochs", "5");
        java.util.Map<String, String> other = new java.util.LinkedHashMap<>();
        other.put("npo.epochs", "5");
        other.put("grad-diff.epochs", "5");
        other.put("npo.learningRate", "2e-4");
        TofuBenchConfig a = new TofuBenchConfig("d", "forget01", List.of("npo", "grad-diff"), 18, 45, "gpt", 1, 2, 512, one);
        TofuBenchConfig b = new TofuBenchConfig("d", "forget01", List.of("npo", "grad-diff"), 18, 45, "gpt", 1, 2, 512, other);
        // Then both hold them sorted by key, so the documents the run folder hashes are the same bytes
        assertThat(a.options().keySet()).containsExactly("grad-diff.epochs", "npo.epochs", "npo.learningRate");
        assertThat(dev.lethe.core.store.Store.json().writeValueAsString(TofuBench.configDocument(a, "fp")))
                .isEqualTo(dev.lethe.core.store.Store.json().writeValueAsString(TofuBench.configDocument(b, "fp")));
    }

    @Test
    void aRunWithOtherMethodDrawsTakesTheReferencesOfAnEarlierRunAndTrainsNone() throws Exception {
        // Given a finished run
        TofuBench.Outcome first = run(new FakeTofuSteps(SUMMARIES), List.of("grad-diff"));

        // When the method runs again with another unlearn seed, in a new folder, taking the first folder's references
        Path second = dir.resolve("reseeded");
        FakeTofuSteps again = new FakeTofuSteps(SUMMARIES);
        TofuBenchConfig reseeded = new TofuBenchConfig("tofu", "forget01", List.of("grad-diff"), 2, 1, "gpt:32,2,2,128", 42, 1, 16,
                Map.of(), 7L);
        TofuBench.Outcome outcome = new TofuBench<>(reseeded, again, BenchListener.NONE, dir).run(second);

        // Then no reference model is trained: the reference rows are the first run's, the method row is computed anew
        assertThat(again.calls).noneMatch(c -> c.startsWith("train"));
        assertThat(again.calls).contains("load retain.model", "load full.model");
        assertThat(outcome.computed()).isEqualTo(1);
        assertThat(outcome.rows().subList(0, 4)).isEqualTo(first.rows().subList(0, 4));
        assertThat(second.resolve("evals/retain/TOFU_SUMMARY.json")).exists();
        // and the new folder says where its reference rows came from and which build computed them
        com.fasterxml.jackson.databind.JsonNode provenance = dev.lethe.core.store.Store.json().readTree(second.resolve("references.json").toFile());
        assertThat(provenance.path("from").asText()).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(provenance.path("build")).isEqualTo(dev.lethe.core.store.Store.json().readTree(dir.resolve("config.json").toFile()).path("build"));
        assertThat(provenance.path("rows").toString()).contains("full", "retain");
    }

    @Test
    void referencesMadeWithOtherOptionsAreRefusedNamingWhatDiffersAndNothingIsCopied() throws Exception {
        // Given a finished run with 1 epoch
        run(new FakeTofuSteps(SUMMARIES), List.of("grad-diff"));

        // When a run with 2 epochs asks for its references
        Path second = dir.resolve("other");
        FakeTofuSteps again = new FakeTofuSteps(SUMMARIES);

        // Then it is refused before anything is trained or copied, naming the field
        assertThatThrownBy(() -> new TofuBench<>(config(List.of("grad-diff"), 2), again, BenchListener.NONE, dir).run(second))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs 1 there, 2 here");
        assertThat(again.calls).isEmpty();
        assertThat(second.resolve("results")).doesNotExist();
        // and a folder that is no run at all is refused as such
        assertThatThrownBy(() -> new TofuBench<>(config(List.of("grad-diff"), 1), again, BenchListener.NONE, dir.resolve("results"))
                .run(dir.resolve("third"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no config.json");
    }

    @Test
    void anUnlearnSeedMovesOnlyTheMethodsDrawsAndLeavesEarlierConfigurationsTheirHash() throws Exception {
        TofuBenchConfig plain = new TofuBenchConfig("d", "forget01", List.of("npo"), 18, 45, "gpt", 1, 2, 512);
        TofuBenchConfig reseeded = new TofuBenchConfig("d", "forget01", List.of("npo"), 18, 45, "gpt", 1, 2, 512, java.util.Map.of(), 7L);
        String plainJson = dev.lethe.core.store.Store.json().writeValueAsString(TofuBench.configDocument(plain, "fp"));
        // a configuration without the seed is written as before the option existed, so earlier run folders still resume
        assertThat(plainJson).doesNotContain("unlearnSeed");
        assertThat(dev.lethe.core.store.Store.json().writeValueAsString(TofuBench.configDocument(reseeded, "fp")))
                .containsPattern("\"unlearnSeed\"\\s*:\\s*7").isNotEqualTo(plainJson);
        // the methods draw from the new seed; the references (and the noise floor) keep the run seed's
        assertThat(reseeded.methodSeed("npo")).isNotEqualTo(plain.methodSeed("npo"));
        assertThat(reseeded.methodSeed("npo")).isNotEqualTo(reseeded.methodSeed("whp"));
        assertThat(reseeded.noiseFloorSeed()).isEqualTo(plain.noiseFloorSeed());
        assertThat(new TofuBenchConfig("d", "forget01", List.of("npo"), 18, 45, "gpt", 1, 2, 512, java.util.Map.of(), 1L).methodSeed("npo"))
                .isEqualTo(plain.methodSeed("npo"));
    }

    @Test
    void badConfigurationsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget02", List.of("npo"), 18, 45, "gpt", 1, 2, 512))
                .hasMessageContaining("--split must be one of forget01, forget05, forget10");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of(), 18, 45, "gpt", 1, 2, 512)).hasMessageContaining("--methods");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of("npo", "npo"), 18, 45, "gpt", 1, 2, 512))
                .hasMessageContaining("'npo' twice");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of(TofuRow.FULL), 18, 45, "gpt", 1, 2, 512))
                .hasMessageContaining("reference row");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of("npo"), 0, 45, "gpt", 1, 2, 512)).hasMessageContaining("--retain-authors");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of("npo"), 18, 0, "gpt", 1, 2, 512)).hasMessageContaining("--epochs");
        assertThatThrownBy(() -> new TofuBenchConfig("d", "forget01", List.of("npo"), 18, 45, "gpt", 1, 2, 0)).hasMessageContaining("--max-new-tokens");
    }
}
