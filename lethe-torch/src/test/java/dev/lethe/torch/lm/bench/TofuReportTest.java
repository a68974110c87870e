package dev.lethe.torch.lm.bench;

import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The TOFU report from synthetic rows: the discrimination statement both ways, the best method, and every file. */
class TofuReportTest {

    @TempDir
    Path dir;

    private static TofuRow row(String name, TofuRow.Role role, double quality, double utility) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put(TofuRow.FORGET_QUALITY, quality);
        f.put(TofuRow.MODEL_UTILITY, utility);
        f.put(TofuRow.FORGET_ROUGE, 1 - Math.min(1, quality));
        f.put(TofuRow.PRIVLEAK, -50.0);
        if (role == TofuRow.Role.METHOD || role == TofuRow.Role.SUPPRESSION) {
            f.put(TofuRow.RELEARNING_RECOVERY, 0.25);
            f.put(TofuRow.SECONDS, 12.5);
        }
        String verdict = role == TofuRow.Role.SUPPRESSION ? "suppression: the relearning attack brings it back"
                : role == TofuRow.Role.METHOD ? "removal: no probe finds it" : null;
        return new TofuRow(name, role, f, verdict, "evals/" + name, null);
    }

    /** Reference rows with the given forget quality of the full model and of the noise floor, then the methods. */
    private static List<TofuRow> table(double fullQuality, double noiseFloorQuality, TofuRow... methods) {
        List<TofuRow> rows = new ArrayList<>(List.of(
                row(TofuRow.FULL, TofuRow.Role.FULL, fullQuality, 0.62),
                row(TofuRow.RETAIN, TofuRow.Role.RETAIN, 1.0, 0.60),
                row(TofuRow.NOISE_FLOOR, TofuRow.Role.NOISE_FLOOR, noiseFloorQuality, 0.61),
                row(TofuRow.SUPPRESSION, TofuRow.Role.SUPPRESSION, 0.0013, 0.62)));
        rows.addAll(List.of(methods));
        return rows;
    }

    private static TofuRow method(String name, double quality, double utility) {
        return row(name, TofuRow.Role.METHOD, quality, utility);
    }

    @Test
    void aDiscriminatingTableNamesTheMethodWithTheHighestQualityAmongThoseThatKeepUtility() {
        // Given methods around the corner forget quality ≥ 0.05, model utility ≥ 0.9 × 0.60 = 0.54
        List<TofuRow> rows = table(0.0013, 0.99,
                method("keeps-utility", 0.30, 0.58),
                method("loses-utility", 0.90, 0.30),
                method("still-knows", 0.02, 0.60),
                method("same-quality-more-utility", 0.30, 0.59),
                method("just-at-the-line", 0.05, 0.54));

        // When judged
        TofuJudgement j = TofuJudgement.of(rows);

        // Then the evaluation discriminates and the best is the highest quality, ties broken by utility
        assertThat(j.discriminates()).isTrue();
        assertThat(j.discrimination()).startsWith("The evaluation discriminates").contains("0.00130 < 0.05");
        assertThat(j.best()).isEqualTo("same-quality-more-utility");
        assertThat(j.verdict()).contains("same-quality-more-utility").contains("0.5400");
        assertThat(j.noiseFloor()).contains("0.990 against each other");
        assertThat(j.timing()).isEqualTo("Every method unlearned within the 60 s target.");
    }

    @Test
    void aTableWhoseFullModelPassesSaysSoAndRanksNothing() {
        // Given a full model that the test cannot tell from the retain model
        List<TofuRow> rows = table(0.20, 0.99, method("npo", 0.9, 0.6));

        // When judged, then it says the evaluation does not discriminate and names no best method
        TofuJudgement j = TofuJudgement.of(rows);
        assertThat(j.discriminates()).isFalse();
        assertThat(j.discrimination()).startsWith("The evaluation does not discriminate").contains("0.200 ≥ 0.05");
        assertThat(j.best()).isNull();
        assertThat(j.verdict()).contains("No best method is named");
    }

    @Test
    void noQualifyingMethodAndAFailedMethodAreSaidInWords() {
        // Given only methods that miss the criterion, one of them failed
        Map<String, Double> slow = new LinkedHashMap<>(method("grad-ascent", 1.9e-23, 0.0).figures());
        slow.put(TofuRow.SECONDS, 75.0);
        List<TofuRow> rows = table(1e-5, 0.01, new TofuRow("grad-ascent", TofuRow.Role.METHOD, slow, "removal: no probe finds it", "evals/grad-ascent", null),
                TofuRow.failed("rmu", "rmu needs --opt rmu.layer"));

        // When judged
        TofuJudgement j = TofuJudgement.of(rows);

        // Then none is named, and the noise floor warns that two retrains are told apart
        assertThat(j.best()).isNull();
        assertThat(j.verdict()).startsWith("No method reached the criterion");
        assertThat(j.noiseFloor()).contains("even two exact retrains");
        assertThat(j.timing()).isEqualTo("Over the 60 s target: grad-ascent (75.0 s).");
    }

    @Test
    void aFullModelWithoutForgetQualityLeavesDiscriminationUnknown() {
        List<TofuRow> rows = new ArrayList<>(table(0.001, 0.9, method("npo", 0.5, 0.6)));
        rows.set(0, new TofuRow(TofuRow.FULL, TofuRow.Role.FULL, Map.of(TofuRow.MODEL_UTILITY, 0.6), null, "evals/full", null));

        TofuJudgement j = TofuJudgement.of(rows);

        assertThat(j.discriminates()).isFalse();
        assertThat(j.discrimination()).contains("unknown");
        assertThat(j.best()).isNull();
    }

    @Test
    void theWriterWritesEveryRowIntoEveryFileAndEveryPlot() throws Exception {
        // Given a report with a method whose forget quality underflowed to 0 and a failed one
        List<TofuRow> rows = table(0.0013, 0.99, method("grad-diff", 0.3, 0.58), method("grad-ascent", 0.0, 0.0),
                TofuRow.failed("rmu", "rmu refused, says why"));
        TofuReport report = new TofuReport("abc123", Map.of("split", "forget01"), Map.of("lethe", "test"), rows, TofuJudgement.of(rows));

        // When written
        TofuReportWriter.Files files = TofuReportWriter.write(report, dir);

        // Then the CSV has one line per row whose numbers parse back exactly
        List<String> csv = Files.readAllLines(files.csv());
        assertThat(csv).hasSize(rows.size() + 1);
        assertThat(csv.get(0)).startsWith("row,role,forget_quality,model_utility,forget_Q_A_ROUGE,privleak,relearning_recovery,seconds");
        assertThat(csv.get(1)).startsWith("full,full,0.0013,0.62,");
        assertThat(csv.get(7)).startsWith("rmu,method,,").endsWith("\"rmu refused, says why\"");
        // and Markdown and HTML name every row and state the judgement
        String md = Files.readString(files.markdown());
        String html = Files.readString(files.html());
        for (TofuRow r : rows) {
            assertThat(md).contains("| " + r.name() + " |");
            assertThat(html).contains("<td>" + r.name() + "</td>");
        }
        assertThat(md).contains(report.judgement().discrimination()).contains(report.judgement().verdict())
                .contains(report.judgement().timing());
        // the table shows each verdict's headline, the full verdict follows it
        assertThat(md).contains("| suppression |").contains("- **suppression-only**: suppression: the relearning attack brings it back");
        assertThat(html).contains("<li><b>grad-diff</b>: removal: no probe finds it</li>");
        assertThat(html).contains("The evaluation discriminates").contains("Best method by the criterion").contains("grad-diff");
        // and every plot is written and shown
        assertThat(files.plots()).hasSize(6);
        for (String plot : files.plots().values()) {
            assertThat(dir.resolve(plot)).isNotEmptyFile();
            assertThat(html).contains("<img src=\"" + plot + "\"");
        }
        assertThat(dir.resolve("plots/quality-vs-utility.png")).exists();
        // and report.json reads back with the same rows
        TofuReport back = Store.json().readValue(files.json().toFile(), TofuReport.class);
        assertThat(back.rows()).isEqualTo(rows);
        assertThat(back.judgement()).isEqualTo(report.judgement());
    }
}
