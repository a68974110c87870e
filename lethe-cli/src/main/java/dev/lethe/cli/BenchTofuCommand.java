package dev.lethe.cli;

import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;

import ai.djl.Device;
import dev.lethe.torch.lm.bench.LmTofuSteps;
import dev.lethe.torch.lm.bench.TofuBench;
import dev.lethe.torch.lm.bench.TofuBenchConfig;
import dev.lethe.torch.lm.bench.TofuBenchSteps;
import dev.lethe.torch.lm.bench.TofuReport;
import dev.lethe.torch.lm.bench.TofuReportWriter;
import dev.lethe.torch.lm.bench.TofuTables;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe bench tofu}: the TOFU benchmark on a language model trained here — the reference rows (the model
 * trained on everything, the retain-only model, a second retain-only model as the noise floor, the
 * suppression-only baseline), then each method from the full model's checkpoint — into a resumable run folder
 * with per-model eval logs and report.json / report.csv / report.md / report.html with plots.
 */
@Command(name = "tofu", footer = {"%nExample:", "  lethe bench tofu --data ../shared/datasets/tofu --split forget01 --methods npo,grad-diff --opt npo.epochs=5 --out tofu-run"}, mixinStandardHelpOptions = true,
        description = "TOFU benchmark: train the model on the retain authors plus the forget split's authors ('full'), two retain-only "
                + "models (seeds A and B), the suppression-only baseline, then run each method from the full model; evaluate every "
                + "model into evals/NAME/TOFU_EVAL.json with forget quality and PrivLeak against the retain model's log; write "
                + "report.json, report.csv, report.md, report.html and plots/ into --out. A rerun with the same configuration and the same build "
                + "of Lethe resumes.")
final class BenchTofuCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The TOFU folder (full.json, forget01.json, ...).")
    Path data;

    @Option(names = "--split", defaultValue = "forget01", description = "forget01, forget05 or forget10. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--methods", required = true, split = ",", description = "Method ids (see 'lethe methods'), e.g. grad-ascent,grad-diff,npo.")
    List<String> methods;

    @Option(names = "--retain-authors", defaultValue = "18",
            description = "Retain authors (the first ones of full.json) trained beside the forget authors. Default: ${DEFAULT-VALUE}.")
    int retainAuthors;

    @Option(names = "--epochs", defaultValue = "45", description = "Training epochs of the reference models. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--model", defaultValue = "gpt:192,4,4,640", description = "Model spec. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--max-new-tokens", defaultValue = "" + TofuBenchConfig.DEFAULT_MAX_NEW_TOKENS,
            description = "The longest greedy answer generated in evaluation, in tokens. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--opt", paramLabel = "METHOD.KEY=VALUE", description = "A method option, e.g. --opt npo.epochs=5 (repeatable; see 'lethe methods').")
    List<String> options = new ArrayList<>();

    @Option(names = "--unlearn-seed", paramLabel = "SEED",
            description = "Seed of the methods' random draws (default: the run seed). Another value reruns the methods with other draws "
                    + "against the same reference models (give the first run's folder as --references so as not to train them again).")
    Long unlearnSeed;

    @Option(names = "--references", paramLabel = "DIR",
            description = "An earlier run folder whose reference rows and models this run takes instead of training them (it must have "
                    + "the same data, split, retain authors, model, epochs, seed, threads and --max-new-tokens; it is refused otherwise).")
    Path references;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder (created; an earlier run of the same configuration is resumed).")
    Path out;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        TofuBenchConfig config = new TofuBenchConfig(data.toString(), split, methods, retainAuthors, epochs, model, run.seed, run.threads,
                maxNewTokens, MethodOptions.fromPairs(options), unlearnSeed);
        MethodOptions.requireAddressed(methods.stream().<UnlearningMethod<?>>map(UnlearningMethods::get).toList(), config.options());
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a folder: give the TOFU folder that holds full.json and "
                    + split + ".json (e.g. ../shared/datasets/tofu)");
        }
        Device device = run.startEngine();
        TofuBench.Outcome outcome;
        try (ScenarioProgress progress = new ScenarioProgress(spec.commandLine().getErr(), "tofu", true)) {
            LmTofuSteps steps = LmTofuSteps.open(config, device)
                    .withTrainingProgress(task -> run.json ? TrainListener.NONE : ConsoleProgress.forStandardError(task));
            outcome = run(steps, config, progress);
        }
        TofuReport report = TofuReport.of(outcome, TrainService.versions(TorchRuntime.engine()));
        TofuReportWriter.Files files = TofuReportWriter.write(report, out);
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("configHash", report.configHash());
            doc.put("computed", outcome.computed());
            doc.put("reused", outcome.reused());
            doc.put("rows", report.rows());
            doc.put("judgement", report.judgement());
            doc.put("report", files.html().toString());
            Output.json(stdout, doc);
            return ExitCodes.OK;
        }
        stdout.printf("TOFU %s, %d retain authors, %s, %d epochs, seed %d: %d row(s) computed, %d reused from an earlier run%n%n", split,
                retainAuthors, model, epochs, run.seed, outcome.computed(), outcome.reused());
        stdout.print(TofuTables.markdown(report));
        stdout.printf("%nreport: %s (also report.md, report.csv, report.json, plots/, evals/*/TOFU_EVAL.json)%n", files.html());
        stdout.flush();
        return ExitCodes.OK;
    }

    private <M extends AutoCloseable> TofuBench.Outcome run(TofuBenchSteps<M> steps, TofuBenchConfig config, ScenarioProgress progress)
            throws Exception {
        return new TofuBench<>(config, steps, progress, references).run(out);
    }
}
