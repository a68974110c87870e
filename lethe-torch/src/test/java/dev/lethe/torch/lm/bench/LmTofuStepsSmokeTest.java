package dev.lethe.torch.lm.bench;

import ai.djl.Device;
import dev.lethe.torch.scenario.bench.BenchListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TOFU benchmark end to end on Lethe's LM parts, on a tiny model and a small TOFU fixture (one retain
 * author, forget01's two authors with two pairs each, two items of every evaluation set; see the
 * fixture's README): every row is computed, every eval log and report file is written, and a rerun
 * computes nothing. The figures of a one-epoch model mean nothing; the wiring is what is tested.
 */
class LmTofuStepsSmokeTest {

    @TempDir
    Path dir;

    private static Path fixture() throws URISyntaxException {
        return Path.of(LmTofuStepsSmokeTest.class.getResource("tofu-mini/full.json").toURI()).getParent();
    }

    @Test
    void aTinyRunWritesEveryRowEveryLogAndEveryReportFile() throws Exception {
        // Given the fixture, a tiny gpt, one epoch, one method, and answers cut at 8 tokens (an untrained model never ends one)
        TofuBenchConfig config = new TofuBenchConfig(fixture().toString(), "forget01", List.of("grad-diff"), 1, 1, "gpt:32,2,2,640", 7, 1, 8);

        // When the benchmark runs, and the report is written
        TofuBench.Outcome outcome = new TofuBench<>(config, LmTofuSteps.open(config, Device.cpu()), BenchListener.NONE).run(dir);
        TofuReport report = TofuReport.of(outcome, Map.of("lethe", "test"));
        TofuReportWriter.Files files = TofuReportWriter.write(report, dir);

        // Then every row has its figures and its eval log, measured against the retain model's log
        assertThat(outcome.rows()).extracting(TofuRow::name)
                .containsExactly(TofuRow.FULL, TofuRow.RETAIN, TofuRow.NOISE_FLOOR, TofuRow.SUPPRESSION, "grad-diff");
        for (TofuRow r : outcome.rows()) {
            assertThat(r.error()).as(r.name()).isNull();
            assertThat(r.figures()).as(r.name()).containsKeys(TofuRow.FORGET_QUALITY, TofuRow.MODEL_UTILITY, TofuRow.FORGET_ROUGE,
                    TofuRow.PRIVLEAK);
            assertThat(dir.resolve(r.evalDir()).resolve("TOFU_EVAL.json")).isNotEmptyFile();
            assertThat(dir.resolve(r.evalDir()).resolve("TOFU_SUMMARY.json")).isNotEmptyFile();
        }
        // the retain model against its own log: identical truth ratios
        assertThat(outcome.rows().get(1).figure(TofuRow.FORGET_QUALITY)).isEqualTo(1.0);
        assertThat(outcome.rows().get(4).figures()).containsKeys(TofuRow.RELEARNING_RECOVERY, TofuRow.SECONDS);
        assertThat(outcome.rows().get(4).verdict()).isNotBlank();
        assertThat(files.json()).isNotEmptyFile();
        assertThat(files.csv()).isNotEmptyFile();
        assertThat(files.markdown()).isNotEmptyFile();
        assertThat(files.html()).isNotEmptyFile();
        assertThat(files.plots()).isNotEmpty();

        // and a rerun reuses every row
        TofuBench.Outcome again = new TofuBench<>(config, LmTofuSteps.open(config, Device.cpu()), BenchListener.NONE).run(dir);
        assertThat(again.computed()).isZero();
        assertThat(again.rows()).isEqualTo(outcome.rows());
    }
}
