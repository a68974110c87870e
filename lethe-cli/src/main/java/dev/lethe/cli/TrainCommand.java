package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.train.ConsoleProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe train}: trains one model into a store directory. */
@Command(name = "train", footer = {"%nExamples:", "  lethe train --store my-store --dataset adult --model mlp:64 --epochs 15", "  lethe train --sisa --shards 8 --slices 4 --store sisa-store --dataset digits"}, mixinStandardHelpOptions = true,
        description = "Train one model, or with --sisa a SISA ensemble for exact unlearning, into a store directory.")
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory to create (or replace, if it is a store).")
    Path store;

    @Option(names = "--replace", description = "Replace a store that has erasure history (forget requests, tombstones): its ledger,"
            + " receipts and model versions are deleted; its tombstones carry over, so forgotten records stay out of the new training.")
    boolean replace;

    @Mixin
    DatasetOptions dataset;

    @Mixin
    ModelOptions model;

    @Mixin
    SisaOptions sisa;

    @Mixin
    EngineOptions engine;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // a SISA store keeps the file's values unless told (its exact guarantee), and so does a TorchScript model (it goes back to Python)
        DatasetRef ref = dataset.toRef(run.seed, !sisa.enabled && !model.isTorchScript());
        if (model.isTorchScript() && ref.scaling() != null) {
            throw new IllegalArgumentException("--scale " + ref.scaling() + " with a TorchScript model: 'lethe export' gives the module back"
                    + " to Python, which feeds it the file's values as they are; scale them in your own pipeline and train on that file,"
                    + " or leave --scale out");
        }
        if (sisa.enabled) {
            SisaCommands.trainAndReport(out, store, ref, model, sisa, engine.executor(), run, replace);
        } else {
            if (engine.chosen()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--engine and --master choose where SISA shards train:"
                        + " use them with --sisa (one model always trains in this process)");
            }
            trainAndReport(out, store, ref, model, run, "train", replace);
        }
        return ExitCodes.OK;
    }

    /** Shared by {@code train} and {@code demo}: validate, load, train, print. */
    static TrainService.Outcome trainAndReport(PrintWriter out, Path store, DatasetRef ref, ModelOptions model, RunOptions run,
                                               String task, boolean replace) throws Exception {
        var config = model.trainConfig(run.seed);
        Device device = run.startEngine();
        DatasetRef.Loaded data = ref.load();
        if (data.train().content() instanceof dev.lethe.core.data.TokenSequences) {
            throw new IllegalArgumentException(ref.name() + " holds text for a language model: train one with 'lethe lm train'"
                    + " (one model, for approximate unlearning) or 'lethe train --sisa --model gpt:... --assign subject' (exact unlearning by author)");
        }
        ModelSpec modelSpec = model.spec(data.train().featureShape(), data.train().numClasses());
        dev.lethe.torch.train.TrainListener progress = run.json ? dev.lethe.torch.train.TrainListener.NONE
                : ConsoleProgress.forStandardError(task);
        if (!run.json && model.perturbation > 0) {
            progress = thenSays(progress, task + ": training done; preparing certified removal (a Newton polish to the exact minimiser, then"
                    + " the Hessians kept next to the model, so that 'unlearn --method certified' need not pass over the data)…");
        }
        TrainService.Outcome outcome = TrainService.train(store, data, modelSpec, config, model.perturbation, replace, device, progress);
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", outcome.store().root().toString());
            doc.put("manifest", outcome.manifest());
            doc.put("excludedEarlier", outcome.excludedEarlier());
            doc.put("samplesPerSecond", outcome.result().samplesPerSecond());
            doc.put("train", EvaluationReport.of(outcome.train()));
            doc.put("test", EvaluationReport.of(outcome.test()));
            Output.json(out, doc);
        } else {
            printSummary(out, data, modelSpec, outcome, run);
        }
        return outcome;
    }

    /** {@code listener}, then a line on standard error when training ends: what the long step after it is doing. */
    private static dev.lethe.torch.train.TrainListener thenSays(dev.lethe.torch.train.TrainListener listener, String line) {
        return new dev.lethe.torch.train.TrainListener() {
            @Override
            public void onStart(long totalSteps) {
                listener.onStart(totalSteps);
            }

            @Override
            public void onStep(long step, float loss) {
                listener.onStep(step, loss);
            }

            @Override
            public void onEpochEnd(int epoch, double meanLoss) {
                listener.onEpochEnd(epoch, meanLoss);
            }

            @Override
            public void onFinish() {
                listener.onFinish();
                System.err.println(line);
                System.err.flush();
            }
        };
    }

    static void printSummary(PrintWriter out, DatasetRef.Loaded data, ModelSpec modelSpec, TrainService.Outcome o, RunOptions run) {
        var cfg = o.manifest().training();
        out.printf(Locale.ROOT, "  data      %s: %d train / %d test records, %d classes, fingerprint %s…%n",
                data.ref().name(), o.manifest().dataset().trainRecords(), o.manifest().dataset().testRecords(), data.train().numClasses(),
                data.fingerprint().substring(0, 12));
        if (o.excludedEarlier() > 0) {
            out.printf(Locale.ROOT, "            %d records left out: the store this one replaced had forgotten them (%d tombstones carried over)%n",
                    o.excludedEarlier(), o.manifest().tombstones().size());
        }
        out.printf(Locale.ROOT, "  model     %s (%,d parameters), %s lr %s, %s epochs, batch %s, seed %d, %d threads%n",
                modelSpec.name(), o.manifest().model().parameters(), cfg.optimizer(), cfg.learningRate(), cfg.epochs(),
                cfg.batchSize(), run.seed, run.threads);
        out.printf(Locale.ROOT, "  training  %.1f s, %,.0f samples/s, final loss %.4f%n",
                o.result().seconds(), o.result().samplesPerSecond(), o.result().finalLoss());
        Map<String, Double> metrics = o.manifest().currentSingle().metrics();
        if (metrics.containsKey("certifiedPrepareSeconds")) {
            out.printf(Locale.ROOT, "  certified %.1f s more: polish %.1f s (gradient norm %.3g), removal state %.1f s, kept next to the model%n",
                    metrics.getOrDefault("certifiedPolishSeconds", 0.0) + metrics.get("certifiedPrepareSeconds"),
                    metrics.getOrDefault("certifiedPolishSeconds", 0.0), metrics.getOrDefault("trainingGradientNorm", Double.NaN),
                    metrics.get("certifiedPrepareSeconds"));
        }
        out.printf(Locale.ROOT, "  accuracy  train %s   test %s   (test loss %.4f)%n",
                Output.pct(o.train().accuracy()), Output.pct(o.test().accuracy()), o.test().meanLoss());
        Output.perClass(out, o.test());
        out.printf(Locale.ROOT, "  store     %s%n            manifest.json, %s, reports/%s%n",
                o.store().root(), o.manifest().currentSingle().file(), o.report().getFileName());
        out.flush();
    }
}
