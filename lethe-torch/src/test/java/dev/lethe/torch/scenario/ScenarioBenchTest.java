package dev.lethe.torch.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.torch.Spread;
import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.ScenarioBench;
import dev.lethe.torch.scenario.bench.ScenarioBenchConfig;
import dev.lethe.torch.scenario.bench.SisaShape;
import dev.lethe.torch.scenario.evidence.EvidenceProbes;
import dev.lethe.torch.scenario.evidence.ReferenceGaps;
import dev.lethe.torch.scenario.report.MarkdownTables;
import dev.lethe.torch.scenario.report.ReportWriter;
import dev.lethe.torch.scenario.report.ScenarioReport;
import dev.lethe.torch.scenario.report.Stat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A small real scenario run on digits (random 10 %, two methods, two seeds, SISA 2×1), its report, and
 * resuming: run once for the class, then check the files, resume, a different configuration and a different build.
 */
class ScenarioBenchTest {

    @TempDir
    static Path out;

    private static ScenarioBench.Outcome first;
    private static ReportWriter.Files files;

    static ScenarioBenchConfig config(List<String> methods) {
        return new ScenarioBenchConfig(DatasetRef.digits(42), ScenarioSpec.defaults("random"), methods, List.of(Spread.seed(42), Spread.seed(43)), "mlp:64", 6, 64,
                2e-3f, new SisaShape(2, 1), 2, "cpu");
    }

    static ScenarioBench bench(ScenarioBenchConfig config) {
        return new ScenarioBench(config, EvidenceProbes.all(), ReferenceGaps.standard(), dev.lethe.torch.scenario.bench.BenchListener.NONE);
    }

    @BeforeAll
    static void runOnce() throws IOException {
        first = bench(config(List.of("finetune", "grad-ascent"))).run(out);
        files = ReportWriter.write(ScenarioReport.of(first), out);
    }

    @Test
    void everyRowOfEverySeedIsComputedAndRetrainIsItsOwnReference() {
        assertThat(first.computed()).isEqualTo(10);
        assertThat(first.reused()).isZero();
        assertThat(first.results()).extracting(MethodResult::method)
                .containsExactly("original", "retrain", "finetune", "grad-ascent", "sisa", "original", "retrain", "finetune", "grad-ascent", "sisa");
        MethodResult retrain = first.results().get(1);
        assertThat(retrain.figures().get("avg-gap")).isZero();
        // 0.877..0.918 on the measured half of the test set (mean − 3 sd: 0.843; docs/TESTING.md)
        assertThat(Spread.measure("scenario retrain test-acc", retrain.figures().get("test-acc"))).isGreaterThan(0.84);
        MethodResult sisa = first.results().get(4);
        assertThat(sisa.error()).isNull();
        assertThat(sisa.figures()).containsKeys("test-acc", "mia-auc", "avg-gap", "retrain-share");
        assertThat(sisa.facts()).containsKey("trainSeconds");
    }

    @Test
    void aCalibratedMethodsRowCarriesTheValueItsCalibrationChoseAndWhetherItMetTheBounds() {
        for (MethodResult r : first.results()) {
            if (r.method().equals("grad-ascent")) {
                // grad-ascent's η is set from the data (record forgetting with validation records: aimed at their accuracy)
                assertThat(r.facts().get("calibration")).as("seed %d", r.seed()).isInstanceOfSatisfying(Map.class, c -> {
                    assertThat(c.get("option")).isEqualTo("grad-ascent.learningRate");
                    assertThat(c.get("value")).isNotNull();
                    assertThat(c.get("met")).isInstanceOf(Boolean.class);
                    assertThat(c).doesNotContainKey("trials");
                });
            } else {
                assertThat(r.facts()).as("%s has no strength", r.method()).doesNotContainKey("calibration");
            }
        }
    }

    @Test
    void aStrengthTheUserSetsIsUsedAsGivenAndRecordedInTheConfiguration(@TempDir Path folder) throws IOException {
        ScenarioBenchConfig c = config(List.of("grad-ascent"));
        ScenarioBenchConfig given = new ScenarioBenchConfig(c.dataset(), c.scenario(), c.methods(), List.of(Spread.seed(42)), c.model(),
                c.epochs(), c.batchSize(), c.learningRate(), null, c.threads(), c.device(), Map.of("grad-ascent.learningRate", "0.2"));

        ScenarioBench.Outcome outcome = bench(given).run(folder);

        MethodResult ascent = outcome.results().stream().filter(r -> r.method().equals("grad-ascent")).findFirst().orElseThrow();
        assertThat(ascent.facts()).as("no calibration when the user sets the strength").doesNotContainKey("calibration");
        MethodResult calibrated = first.results().stream().filter(r -> r.method().equals("grad-ascent") && r.seed() == Spread.seed(42))
                .findFirst().orElseThrow();
        // the calibration took η = 0.01 there (forget-acc 0.90); η = 0.2, the grid's strongest, collapsed the model (0.08)
        assertThat(ascent.figures().get("forget-acc")).as("η = 0.2 against the calibrated run of the same seed")
                .isLessThan(calibrated.figures().get("forget-acc") - 0.3);
        assertThat(Store.json().readTree(folder.resolve("config.json").toFile()).at("/config/options/grad-ascent.learningRate").asText())
                .isEqualTo("0.2");
        assertThatThrownBy(() -> new ScenarioBenchConfig(c.dataset(), c.scenario(), c.methods(), c.seeds(), c.model(), c.epochs(),
                c.batchSize(), c.learningRate(), null, c.threads(), c.device(), Map.of("ssd.alpha", "3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--opt ssd.alpha: not an option of a chosen method");
    }

    @Test
    void aKeepingAllowanceIsRecordedInTheConfigurationAndARunWithoutOneKeepsItsHash() throws IOException {
        ScenarioBenchConfig c = config(List.of("grad-ascent"));
        ScenarioBenchConfig allowing = new ScenarioBenchConfig(c.dataset(), c.scenario(), c.methods(), c.seeds(), c.model(), c.epochs(),
                c.batchSize(), c.learningRate(), null, c.threads(), c.device(), Map.of(), 0.05);
        assertThat(allowing.allowance()).isEqualTo(0.05);
        assertThat(Store.json().valueToTree(allowing).get("keepWithin").asDouble()).isEqualTo(0.05);
        // the default is left out of the JSON, so that a folder written before the option stays this configuration's
        assertThat(Store.json().valueToTree(c).has("keepWithin")).isFalse();
        assertThat(c.allowance()).isEqualTo(dev.lethe.torch.method.StrengthCalibration.RETAIN_DROP);
        // the report of a run just made holds the configuration itself; its legend states the allowance
        ScenarioReport report = new ScenarioReport("hash", Map.of("config", allowing), Map.of(), first.results(),
                dev.lethe.torch.scenario.report.Summary.of(first.results()));
        assertThat(report.keepWithin()).isEqualTo(0.05);
        assertThat(MarkdownTables.of(report)).contains("kept records within 5 points");
        assertThat(ScenarioReport.of(first).keepWithin()).isEqualTo(dev.lethe.torch.method.StrengthCalibration.RETAIN_DROP);
        for (double bad : new double[]{0, 1, -0.01, Double.NaN}) {
            assertThatThrownBy(() -> new ScenarioBenchConfig(c.dataset(), c.scenario(), c.methods(), c.seeds(), c.model(), c.epochs(),
                    c.batchSize(), c.learningRate(), null, c.threads(), c.device(), Map.of(), bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1");
        }
    }

    @Test
    void theReportSaysForEachCalibratedMethodAtHowManySeedsItsValueMetTheBounds() throws IOException {
        long met = first.results().stream().filter(r -> r.method().equals("grad-ascent"))
                .filter(r -> Boolean.TRUE.equals(((Map<?, ?>) r.facts().get("calibration")).get("met"))).count();
        String md = Files.readString(files.markdown());
        assertThat(md).contains("- **grad-ascent** `grad-ascent.learningRate`: met in " + met + " of 2 runs (seed " + Spread.seed(42) + ": ")
                .doesNotContain("- **finetune** `").contains("kept records within 2 points of the original's accuracy");
        assertThat(Files.readString(files.html())).contains("<h2>Strengths set from the data</h2>")
                .contains("<li><b>grad-ascent</b> grad-ascent.learningRate: met in " + met + " of 2 runs");
    }

    @Test
    void theDistanceToTheReferenceAndTheLearnedAttackAreMeasured() {
        MethodResult original = first.results().get(0);
        MethodResult retrain = first.results().get(1);
        MethodResult sisa = first.results().get(4);
        // the reference is at distance 0 from itself; the original, which saw the forget set, is not
        assertThat(retrain.figures()).containsEntry("js-forget", 0.0).containsEntry("js-test", 0.0).containsEntry("weight-l2", 0.0);
        assertThat(original.figures().get("js-forget")).isPositive();
        assertThat(original.figures().get("weight-l2")).isPositive();
        // the original already fits the forget set: 0 relearn steps by definition, the target being its own forget loss
        // measured the same way (it was 3 on some seeds and kernel paths while the target was summed another way);
        // the reference has to learn it (measured 3..12 steps)
        assertThat(Spread.measure("scenario original relearn-steps", original.figures().get("relearn-steps"))).isZero();
        assertThat(Spread.measure("scenario retrain relearn-steps", retrain.figures().get("relearn-steps"))).isPositive();
        // the learned attack is measured on both; on this model, which generalises, it cannot tell them apart: which one
        // scores higher flips with the seed (retrain - original: -0.158..0.097 measured with the figures on half the test
        // set, docs/TESTING.md), so only the size is bounded (|mean| plus three standard deviations). That an attack
        // separates them where they differ is the job of RetrainComparisonTest, on an overfit model.
        assertThat(original.figures().get("mia-efficacy")).isBetween(0.0, 1.0);
        assertThat(retrain.figures().get("mia-efficacy")).isBetween(0.0, 1.0);
        assertThat(Math.abs(Spread.measure("scenario mia-efficacy retrain - original",
                retrain.figures().get("mia-efficacy") - original.figures().get("mia-efficacy")))).isLessThanOrEqualTo(0.28);
        // an ensemble has no single set of weights: divergences only
        assertThat(sisa.figures()).containsKey("js-forget").doesNotContainKeys("weight-l2", "relearn-steps", "mia-efficacy");
    }

    @Test
    void theSecondTableShowsTheEvidenceBeyondAccuracy() throws IOException {
        String md = Files.readString(files.markdown());
        assertThat(md).contains("| method | seeds | mia-efficacy | learned-auc | js-forget | js-test | weight-l2 | relearn-steps | relearn-capped |");
        assertThat(Files.readString(files.html())).contains("Beyond accuracy");
    }

    @Test
    void theHtmlReferencesPlotsThatExist() throws IOException {
        String html = Files.readString(files.html());
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        List<String> sources = new ArrayList<>();
        while (m.find()) {
            sources.add(m.group(1));
        }
        assertThat(sources).contains("plots/gaps.png", "plots/roc-loss.png", "plots/time-vs-gap.png", "plots/per-class.png")
                .as("one request has no cumulative cost to plot").doesNotContain("plots/cost.png");
        for (String src : sources) {
            Path png = out.resolve(src);
            assertThat(png).exists();
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertThat(head).as(src + " is a PNG").containsExactly(0x89, 'P', 'N', 'G');
        }
        assertThat(html).contains(first.folder().configHash()).contains("dataFingerprint").contains("pytorch");
    }

    @Test
    void theReportNamesWhatRanAndEveryPlotSaysWhatItShowsAndWhichWayIsBetter() throws IOException {
        String html = Files.readString(files.html());
        assertThat(html).contains("<title>Lethe scenario report: random on digits</title>")
                .contains("<h1>Lethe scenario report: random on digits</h1>");
        Matcher captions = Pattern.compile("<figcaption><b>[^<]+</b> ([^<]*)</figcaption>").matcher(html);
        int figures = 0;
        while (captions.find()) {
            figures++;
            assertThat(captions.group(1)).as("caption %d", figures).containsAnyOf("better", "target");
        }
        assertThat(figures).isEqualTo(4);
    }

    @Test
    void aHeadlessBrowserShowsTheReportWithItsPlots() throws Exception {
        // read as a reader would: the page rendered by Chromium, where the machine has it (CI's does)
        Path chromium = Path.of("/usr/bin/chromium");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium), "no /usr/bin/chromium here");
        Path shot = out.resolve("screenshot.png");
        Process p = new ProcessBuilder(chromium.toString(), "--headless=new", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                "--window-size=1000,3000", "--screenshot=" + shot, files.html().toUri().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("chromium finished").isTrue();
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(shot.toFile());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        // the plots loaded in the page: their method colours are on screen, beside the text
        assertThat(colours).contains(0x0072B2, 0xD55E00).hasSizeGreaterThan(50);
    }

    @Test
    void aMethodKeepsItsPaletteColourInEveryPlotAndNoneIsJFreeChartsDefault() throws IOException {
        // finetune and grad-ascent are the report's second and third methods: Okabe–Ito blue and vermillion
        for (String plot : List.of("plots/roc-loss.png", "plots/per-class.png", "plots/time-vs-gap.png")) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(out.resolve(plot).toFile());
            java.util.Set<Integer> colours = new java.util.HashSet<>();
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    colours.add(image.getRGB(x, y) & 0xFFFFFF);
                }
            }
            assertThat(colours).as(plot).contains(0x0072B2, 0xD55E00).doesNotContain(0xFF5555, 0x5555FF, 0xFFFF55);
        }
    }

    @Test
    void theCsvParsesBackToTheJsonFigures() throws IOException {
        JsonNode report = Store.json().readTree(files.json().toFile());
        Map<String, Double> json = new HashMap<>();
        for (JsonNode r : report.get("results")) {
            r.get("figures").fields().forEachRemaining(e -> json.put(r.get("seed").asLong() + "/" + r.get("method").asText() + "/" + e.getKey(),
                    e.getValue().asDouble()));
        }
        List<String> lines = Files.readAllLines(files.csv());
        assertThat(lines.get(0)).isEqualTo("seed,method,figure,value");
        Map<String, Double> csv = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            csv.put(f[0] + "/" + f[1] + "/" + f[2], Double.parseDouble(f[3]));
        }
        assertThat(csv).isEqualTo(json);
    }

    @Test
    void theMarkdownTableParsesBackToTheMeansAndStdsOfTheJsonFigures() throws IOException {
        JsonNode report = Store.json().readTree(files.json().toFile());
        List<String> lines = Files.readAllLines(files.markdown());
        String[] header = cells(lines.get(0));
        assertThat(header[0]).isEqualTo("method");
        int rows = 0;
        for (String line : lines.subList(2, lines.size())) {
            if (!line.startsWith("| ")) {
                break;
            }
            String[] c = cells(line);
            for (int col = 2; col < c.length; col++) {
                if (c[col].equals("–")) {
                    continue;
                }
                String figure = header[col];
                List<Double> values = new ArrayList<>();
                for (JsonNode r : report.get("results")) {
                    if (r.get("method").asText().equals(c[0]) && r.get("figures").has(figure)) {
                        values.add(r.get("figures").get(figure).asDouble());
                    }
                }
                Stat expected = Stat.of(values.stream().mapToDouble(Double::doubleValue).toArray());
                String[] meanStd = c[col].split(" ± ");
                double tolerance = 0.51 * Math.pow(10, -MarkdownTables.decimals(figure));
                assertThat(Double.parseDouble(meanStd[0])).as(c[0] + " " + figure).isCloseTo(expected.mean(), within(tolerance));
                assertThat(Double.parseDouble(meanStd[1])).as(c[0] + " " + figure + " std").isCloseTo(expected.std(), within(tolerance));
            }
            rows++;
        }
        assertThat(rows).isEqualTo(5);
    }

    @Test
    void resumingAFinishedRunRedoesNothing() throws IOException {
        Map<Path, FileTime> before = resultTimes();

        ScenarioBench.Outcome again = bench(config(List.of("finetune", "grad-ascent"))).run(out);

        assertThat(again.computed()).isZero();
        assertThat(again.reused()).isEqualTo(10);
        assertThat(resultTimes()).isEqualTo(before);
        assertThat(again.results()).isEqualTo(first.results());
    }

    @Test
    void aDifferentConfigurationInTheSameFolderIsRefused() {
        ScenarioBenchConfig c = config(List.of("finetune", "grad-ascent"));
        ScenarioBenchConfig otherEpochs = new ScenarioBenchConfig(c.dataset(), c.scenario(), c.methods(), c.seeds(), c.model(), c.epochs() + 1,
                c.batchSize(), c.learningRate(), c.sisa(), c.threads(), c.device());
        assertThatThrownBy(() -> bench(otherEpochs).run(out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds a scenario run with another configuration").hasMessageContaining("--out");
    }

    @Test
    void theFolderRecordsTheBuildThatComputedItsResults() throws IOException {
        JsonNode build = Store.json().readTree(out.resolve("config.json").toFile()).path("build");
        assertThat(build.path("code").asText()).matches("[0-9a-f]{64}")
                .isEqualTo(dev.lethe.core.CodeDigest.of(dev.lethe.core.LetheVersion.class, ScenarioBench.class));
        assertThat(build.path("pytorch").asText()).isNotBlank();
    }

    @Test
    void aFolderWrittenByAnotherBuildIsRefusedAndLeftAsItWas(@TempDir Path copy) throws IOException {
        org.apache.commons.io.FileUtils.copyDirectory(out.toFile(), copy.toFile());
        Path config = copy.resolve("config.json");
        ObjectNode doc = (ObjectNode) Store.json().readTree(config.toFile());
        ((ObjectNode) doc.path("build")).put("code", "0".repeat(64));
        Files.write(config, Store.json().writeValueAsBytes(doc));
        byte[] before = Files.readAllBytes(config);
        int results = resultFiles(copy);

        assertThatThrownBy(() -> bench(config(List.of("finetune", "grad-ascent"))).run(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another build of Lethe (code 000000000000").hasMessageContaining("--out");
        assertThat(Files.readAllBytes(config)).isEqualTo(before);
        assertThat(resultFiles(copy)).isEqualTo(results);

        // a folder from before run folders recorded their build: nothing says its results are this build's
        doc.remove("build");
        Files.write(config, Store.json().writeValueAsBytes(doc));
        assertThatThrownBy(() -> bench(config(List.of("finetune", "grad-ascent"))).run(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a build of Lethe that did not record itself").hasMessageContaining("--out");
    }

    private static int resultFiles(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder.resolve("results"))) {
            return (int) walk.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void addingAMethodToAFinishedRunComputesOnlyItsRows(@TempDir Path copy) throws IOException {
        org.apache.commons.io.FileUtils.copyDirectory(out.toFile(), copy.toFile());
        ScenarioBench.Outcome more = bench(config(List.of("finetune", "grad-ascent", "random-label"))).run(copy);
        // the new method's two seeds; original, retrain, finetune, grad-ascent and sisa come from the first run
        assertThat(more.computed()).isEqualTo(2);
        assertThat(more.reused()).isEqualTo(10);
        assertThat(more.results()).containsAll(first.results());
        assertThat(Store.json().readTree(copy.resolve("config.json").toFile()).at("/config/methods").toString()).contains("random-label");
    }

    private static String[] cells(String line) {
        String[] raw = line.substring(1, line.length() - 1).split("\\|");
        String[] out = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i].trim();
        }
        return out;
    }

    private static Map<Path, FileTime> resultTimes() throws IOException {
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> walk = Files.walk(out.resolve("results"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        try (Stream<Path> walk = Files.walk(out.resolve("models"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        return times;
    }
}
