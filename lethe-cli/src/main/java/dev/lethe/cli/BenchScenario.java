package dev.lethe.cli;

import dev.lethe.torch.scenario.ScenarioSpec;
import dev.lethe.torch.scenario.bench.ScenarioBench;
import dev.lethe.torch.scenario.bench.ScenarioBenchConfig;
import dev.lethe.torch.scenario.bench.SisaShape;
import dev.lethe.torch.scenario.evidence.EvidenceProbes;
import dev.lethe.torch.scenario.evidence.ReferenceGaps;
import dev.lethe.torch.scenario.report.MarkdownTables;
import dev.lethe.torch.scenario.report.ReportWriter;
import dev.lethe.torch.scenario.report.ScenarioReport;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.StrengthCalibration;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.task.ClassificationTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe bench scenario}: one scenario (random records, a class, persons, a backdoor, a stream of
 * requests) on one data set, every chosen method against the retrained reference (and SISA with
 * {@code --sisa}), over several seeds, into a resumable run folder with JSON, CSV, Markdown and HTML
 * reports. A subcommand rather than flags on {@code bench} itself, which already has subcommands.
 */
@Command(name = "scenario", footer = {"%nExample:", "  lethe bench scenario --scenario class --dataset digits --methods retrain,grad-diff,ssd --out class-run"}, mixinStandardHelpOptions = true,
        description = "Run an unlearning scenario: train the original once per seed, retrain the reference, run each method "
                + "(and SISA with --sisa), measure accuracy, the loss attack, the backdoor's success rate and the gaps to retrain; "
                + "write report.json, results.csv, report.md, report.html and plots/ into --out. A rerun with the same "
                + "configuration and the same build of Lethe resumes: finished (seed, method) results are kept; after a change "
                + "of the code it is refused (give another --out).")
final class BenchScenario implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--scenario", required = true, description = "random, class, subjects, backdoor or sequential.")
    String scenario;

    @Option(names = "--methods", split = ",", description = "Method ids (see 'lethe methods'); retrain always runs, first. Default: all.")
    List<String> methods;

    @Option(names = "--seeds", defaultValue = "3", description = "Number of seeds: --seed, --seed+1, ... Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--sisa", paramLabel = "SxR", description = "Also serve the requests by exact forgetting in a SISA ensemble of S shards x R slices.")
    String sisa;

    @Option(names = "--forget-fraction", defaultValue = "0.1",
            description = "random/sequential: share of records; subjects: share of persons. Default: ${DEFAULT-VALUE}.")
    double forgetFraction;

    @Option(names = "--forget-class", defaultValue = "0", description = "class: the class index to forget. Default: ${DEFAULT-VALUE}.")
    int forgetClass;

    @Option(names = "--target-class", defaultValue = "0", description = "backdoor: the class the trigger maps to. Default: ${DEFAULT-VALUE}.")
    int targetClass;

    @Option(names = "--poison-fraction", defaultValue = "0.1",
            description = "backdoor: share of non-target training images poisoned. Default: ${DEFAULT-VALUE}.")
    double poisonFraction;

    @Option(names = "--identified-fraction", defaultValue = "1.0",
            description = "backdoor: share of the poisoned images found and forgotten. Default: ${DEFAULT-VALUE}.")
    double identifiedFraction;

    @Option(names = "--trigger-size", defaultValue = "3", description = "backdoor: side of the square trigger in pixels. Default: ${DEFAULT-VALUE}.")
    int triggerSize;

    @Option(names = "--steps", defaultValue = "5", description = "sequential: number of forget requests. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Mixin
    BenchModelOptions bench;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs of the original model and of retrain (per slice for SISA). Default: ${DEFAULT-VALUE}, fewer than"
            + " train's 30 because a scenario trains an original and a reference per seed and runs every method; --epochs 30"
            + " --batch-size 64 trains the model 'lethe train' would.")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's learning rate. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Option(names = "--opt", paramLabel = "METHOD.KEY=VALUE", description = "A method option, e.g. --opt scrub.updateScale=1 (repeatable; "
            + "see 'lethe methods'). A strength set here is not set from the data.")
    List<String> options = new ArrayList<>();

    @Option(names = "--keep-within", paramLabel = "FRACTION", description = "How much accuracy of the kept records a strength set from the"
            + " data may cost, as a fraction (0.05: 5 points), as 'lethe unlearn --keep-within'. Default: "
            + StrengthCalibration.RETAIN_DROP + ". Recorded in config.json.")
    Double keepWithin;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder. Default: bench-out/scenario-<dataset>-<scenario>.")
    Path out;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        ScenarioBenchConfig config = config();
        Path folder = out != null ? out : Path.of("bench-out", "scenario-" + dataset.dataset + "-" + scenario);
        run.startEngine();
        ScenarioBench.Outcome outcome;
        try (ScenarioProgress progress = new ScenarioProgress(spec.commandLine().getErr())) {
            outcome = new ScenarioBench(config, EvidenceProbes.all(), ReferenceGaps.standard(), progress).run(folder);
        }
        ScenarioReport report = ScenarioReport.of(outcome);
        ReportWriter.Files files = ReportWriter.write(report, folder);
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("configHash", report.configHash());
            doc.put("computed", outcome.computed());
            doc.put("reused", outcome.reused());
            doc.put("summary", report.summary().rows());
            doc.put("report", files.html().toString());
            Output.json(stdout, doc);
            return ExitCodes.OK;
        }
        stdout.printf("%s on %s, %d seed(s) from %d: %d result(s) computed, %d reused from an earlier run%n%n", scenario,
                outcome.data().ref().name(), config.seeds().size(), run.seed, outcome.computed(), outcome.reused());
        stdout.print(MarkdownTables.of(report));
        stdout.printf("%nreport: %s (also report.md, results.csv, report.json, plots/)%n", files.html());
        stdout.flush();
        return ExitCodes.OK;
    }

    /** The validated configuration: bad names, shares and counts are refused here, before any work. */
    private ScenarioBenchConfig config() {
        int subjects = dataset.subjects > 0 ? dataset.subjects : 100;
        ScenarioSpec scenarioSpec = new ScenarioSpec(scenario, forgetFraction, forgetClass, subjects, targetClass, poisonFraction,
                identifiedFraction, triggerSize, steps);
        List<String> chosen = methods != null ? methods : UnlearningMethods.all().stream()
                .filter(m -> m.tasks().contains(ClassificationTask.INSTANCE)).map(UnlearningMethod::name).toList();
        return new ScenarioBenchConfig(dataset.toRef(run.seed), scenarioSpec, chosen, ScenarioBenchConfig.consecutiveSeeds(run.seed, seeds),
                bench.model, epochs, bench.batchSize, learningRate, sisa == null ? null : SisaShape.parse(sisa), run.threads, run.device,
                MethodOptions.fromPairs(options), keepWithin);
    }
}
