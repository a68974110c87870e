package dev.lethe.cli;

import org.apache.commons.io.FileUtils;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.server.bench.ServerBenchmark;
import dev.lethe.torch.bench.ThroughputBenchmark;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe bench}: benchmarks that print figures for docs/BENCHMARKS.md. */
@Command(name = "bench", footer = {"%nExample:", "  lethe bench throughput --dataset digits --model mlp --threads 2"}, mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (see docs/BENCHMARKS.md).",
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Sisa.class, BenchCommand.Methods.class, BenchCommand.Serve.class,
                BenchCommand.Checkpoints.class, BenchScenario.class, BenchTofuCommand.class, BenchLmThroughput.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Training throughput and checkpoint save/load time of the one training loop. */
    @Command(name = "throughput", footer = {"%nExample:", "  lethe bench throughput --dataset digits --model mlp --threads 2"}, mixinStandardHelpOptions = true,
            description = "Training samples/s (after one warm-up epoch) and checkpoint save/load time. "
                    + "bench/throughput.sh runs it next to the same model in Python PyTorch.")
    static final class Throughput implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatasetOptions dataset;

        @Mixin
        BenchModelOptions bench;

        @Option(names = "--timed-epochs", defaultValue = "2", description = "Epochs timed after the warm-up epoch. Default: ${DEFAULT-VALUE}.")
        int timedEpochs;

        @Option(names = "--checkpoint-repeats", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
        int checkpointRepeats;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            run.startEngine();
            DatasetRef.Loaded data = dataset.toRef(run.seed).load();
            ModelSpec modelSpec = ModelSpec.parse(bench.model, data.train().featureShape(), data.train().numClasses());
            var config = new dev.lethe.torch.train.TrainConfig(1, bench.batchSize, dev.lethe.torch.train.OptimizerKind.ADAM, 1e-3f, 0f, 0f, run.seed);
            Path scratch = Files.createTempDirectory("lethe-bench");
            ThroughputBenchmark.Figures f;
            try {
                f = ThroughputBenchmark.run(data.train(), modelSpec, config, timedEpochs, checkpointRepeats, scratch);
            } finally {
                Files.deleteIfExists(scratch);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("impl", "lethe");
            doc.put("pytorch", TorchRuntime.pytorchVersion());
            doc.put("threads", run.threads);
            doc.put("dataset", data.ref().name());
            doc.put("records", data.train().size());
            doc.put("model", modelSpec.name());
            doc.put("batchSize", bench.batchSize);
            doc.put("samplesPerSecond", f.samplesPerSecond());
            doc.put("epochSeconds", f.epochSeconds());
            doc.put("checkpointSaveMs", f.saveMillis());
            doc.put("checkpointLoadMs", f.loadMillis());
            doc.put("checkpointBytes", f.checkpointBytes());
            doc.put("finalLoss", f.finalLoss());
            if (run.json) {
                Output.json(out, doc);
            } else {
                out.printf(Locale.ROOT, "  %s %s, %d records, batch %d, %d threads: %,.0f samples/s; checkpoint save %.2f ms, load %.2f ms (%,d bytes)%n",
                        data.ref().name(), modelSpec.name(), data.train().size(), bench.batchSize, run.threads, f.samplesPerSecond(),
                        f.saveMillis(), f.loadMillis(), f.checkpointBytes());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** SISA's costs: full training, accuracy, storage and deletion times against the cost model. */
    @Command(name = "sisa", footer = {"%nExample:", "  lethe bench sisa --dataset digits --shards 1,4,8 --slices 1,4 --out sisa.json"}, mixinStandardHelpOptions = true,
            description = "SISA cost benchmark: per shards × slices, training time, accuracy, storage, and the time to serve "
                    + "1/10/100 deletions (batched and one by one) against the cost model and a monolithic retrain.")
    static final class Sisa implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatasetOptions dataset;

        @Option(names = "--shards", split = ",", defaultValue = "1,5,10,20", description = "Shard counts. Default: ${DEFAULT-VALUE}.")
        List<Integer> shards;

        @Option(names = "--slices", split = ",", defaultValue = "1,5,10", description = "Slice counts. Default: ${DEFAULT-VALUE}.")
        List<Integer> slices;

        @Option(names = "--deletions", split = ",", defaultValue = "1,10,100", description = "Deletion counts. Default: ${DEFAULT-VALUE}.")
        List<Integer> deletions;

        @Option(names = "--epochs", defaultValue = "3", description = "Epochs per slice (and of the monolithic model). Default: ${DEFAULT-VALUE}: a timing benchmark"
                + " retrains many times, and the ratio it measures does not depend on the epoch count.")
        int epochs;

        @Mixin
        BenchModelOptions bench;

        @Option(names = "--one-by-one-budget", defaultValue = "90",
                description = "Run a one-by-one scenario only when the cost model predicts fewer seconds; else report the prediction. Default: ${DEFAULT-VALUE}.")
        double budget;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the figures as JSON to FILE.")
        Path outFile;

        @Option(names = "--singles", defaultValue = "0",
                description = "Instead of the grid: serve N single-record deletions one after another on the first --shards × --slices "
                        + "configuration and report each against the cost model, with medians.")
        int singles;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            var device = run.startEngine();
            DatasetRef.Loaded data = dataset.toRef(run.seed).load();
            ModelSpec spec = ModelSpec.parse(bench.model, data.train().featureShape(), data.train().numClasses());
            var trainConfig = new dev.lethe.torch.train.TrainConfig(epochs, bench.batchSize, dev.lethe.torch.train.OptimizerKind.ADAM, 1e-3f, 0f, 0f, run.seed);
            Path scratch = Files.createTempDirectory("lethe-bench-sisa");
            Map<String, Object> doc = new LinkedHashMap<>();
            if (singles > 0) {
                try {
                    return singles(out, data, spec, trainConfig, scratch, doc);
                } finally {
                    FileUtils.deleteDirectory(scratch.toFile());
                }
            }
            try {
                var mono = dev.lethe.torch.service.TrainService.train(scratch.resolve("monolithic"), data, spec, trainConfig, device,
                        dev.lethe.torch.train.TrainListener.NONE);
                double monoSeconds = mono.result().seconds();
                doc.put("dataset", data.ref().name());
                doc.put("records", data.train().size());
                doc.put("model", spec.name());
                doc.put("epochs", epochs);
                doc.put("monolithic", Map.of("trainSeconds", monoSeconds, "testAccuracy", mono.test().accuracy()));
                out.printf(Locale.ROOT, "monolithic %s, %d epochs: %.1f s, test accuracy %.4f%n%n", spec.name(), epochs, monoSeconds, mono.test().accuracy());
                out.println("| S | R | train s | test acc | storage MB | deletion | mode | served s | cost model s | speedup vs full SISA | cost-model speedup | speedup vs monolithic |");
                out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
                out.flush();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int s : shards) {
                    for (int r : slices) {
                        var config = new dev.lethe.torch.sisa.SisaConfig(new dev.lethe.core.sisa.ShardPlan(s, r, dev.lethe.core.sisa.Assignment.UNIFORM, run.seed),
                                spec, trainConfig, dev.lethe.core.sisa.Aggregation.MEAN_SOFTMAX, run.threads);
                        var f = dev.lethe.torch.bench.SisaBenchmark.run(data, config, deletions, budget, scratch, run.seed);
                        rows.add(dev.lethe.torch.bench.SisaBenchmark.toMap(f));
                        for (var d : f.deletions()) {
                            out.printf(Locale.ROOT, "| %d | %d | %.1f | %.4f | %.0f | %d | %s | %s | %.2f | %s | %.1fx | %s |%n", s, r, f.trainSeconds(),
                                    f.testAccuracy(), f.storageBytes() / 1e6, d.records(), d.mode(),
                                    d.run() ? String.format(Locale.ROOT, "%.2f", d.seconds()) : "not run",
                                    d.predictedSeconds(),
                                    d.run() ? String.format(Locale.ROOT, "%.1fx", f.trainSeconds() / d.seconds()) : "–",
                                    f.trainSeconds() / d.predictedSeconds(),
                                    d.run() ? String.format(Locale.ROOT, "%.1fx", monoSeconds / d.seconds()) : "–");
                        }
                        out.flush();
                        FileUtils.deleteDirectory(scratch.resolve("s" + s + "-r" + r).toFile());
                    }
                }
                doc.put("configurations", rows);
            } finally {
                FileUtils.deleteDirectory(scratch.toFile());
            }
            if (outFile != null) {
                Files.writeString(outFile, dev.lethe.core.store.Store.json().writeValueAsString(doc));
            }
            return ExitCodes.OK;
        }

        private int singles(PrintWriter out, DatasetRef.Loaded data, ModelSpec spec, dev.lethe.torch.train.TrainConfig trainConfig,
                            Path scratch, Map<String, Object> doc) throws Exception {
            var config = new dev.lethe.torch.sisa.SisaConfig(new dev.lethe.core.sisa.ShardPlan(shards.get(0), slices.get(0),
                    dev.lethe.core.sisa.Assignment.UNIFORM, run.seed), spec, trainConfig, dev.lethe.core.sisa.Aggregation.MEAN_SOFTMAX, run.threads);
            double[] full = new double[1];
            var deletions = dev.lethe.torch.bench.SisaBenchmark.singles(data, config, singles, scratch, run.seed, full);
            out.printf(Locale.ROOT, "S=%d R=%d, full SISA training %.1f s; %d single deletions:%n", shards.get(0), slices.get(0), full[0], singles);
            out.println("| # | served s | cost model s | speedup vs full SISA | cost-model speedup | measured / predicted speedup |");
            out.println("|---|---|---|---|---|---|");
            double[] served = new double[deletions.size()];
            double[] ratio = new double[deletions.size()];
            for (int i = 0; i < deletions.size(); i++) {
                var d = deletions.get(i);
                served[i] = d.seconds();
                ratio[i] = d.predictedSeconds() / d.seconds();
                out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.1fx | %.1fx | %.2f |%n", i + 1, d.seconds(), d.predictedSeconds(),
                        full[0] / d.seconds(), full[0] / d.predictedSeconds(), ratio[i]);
            }
            double medianServed = dev.lethe.core.metrics.Stats.median(served);
            out.printf(Locale.ROOT, "median: served %.2f s, speedup vs full SISA %.1fx, measured/predicted speedup %.2f%n",
                    medianServed, full[0] / medianServed, dev.lethe.core.metrics.Stats.median(ratio));
            out.flush();
            doc.put("fullTrainSeconds", full[0]);
            doc.put("singles", deletions);
            if (outFile != null) {
                Files.writeString(outFile, dev.lethe.core.store.Store.json().writeValueAsString(doc));
            }
            return ExitCodes.OK;
        }

    }

    /** Every unlearning method on one original model and one random forget set, next to retrain. */
    @Command(name = "methods", footer = {"%nExample:", "  lethe bench methods --dataset digits --methods grad-diff,ssd --opt ssd.alpha=10"}, mixinStandardHelpOptions = true,
            description = "Compare unlearning methods on a random forget set: forget/retain/test accuracy, loss-threshold MIA AUC "
                    + "(forget vs test), wall time as a share of retrain's.")
    static final class Methods implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatasetOptions dataset;

        @Option(names = "--methods", split = ",", description = "Method ids (default: all, retrain first).")
        List<String> methods;

        @Option(names = "--forget-fraction", defaultValue = "0.1", description = "Share of training records to forget. Default: ${DEFAULT-VALUE}.")
        double forgetFraction;

        @Option(names = "--repeats", defaultValue = "3", description = "Runs per method; times are medians. Default: ${DEFAULT-VALUE}.")
        int repeats;

        @Mixin
        BenchModelOptions bench;

        @Option(names = "--epochs", defaultValue = "3", description = "Epochs of the original model (and of retrain). Default: ${DEFAULT-VALUE}, fewer than train's 30:"
                + " every method runs against it and retrain repeats the training; --epochs 30 --batch-size 64 trains"
                + " the model 'lethe train' would.")
        int epochs;

        @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate of the original (and of retrain). Default: ${DEFAULT-VALUE}.")
        float learningRate;

        @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay λ of the original (certified needs λ > 0). Default: ${DEFAULT-VALUE}.")
        float weightDecay;

        @Option(names = "--perturbation", defaultValue = "0", paramLabel = "SIGMA",
                description = "Train the original with Guo et al.'s objective perturbation of standard deviation SIGMA (what certified "
                        + "needs; passed to it as certified.perturbation). Default: ${DEFAULT-VALUE} (none).")
        double perturbation;

        @Option(names = "--opt", paramLabel = "METHOD.KEY=VALUE", description = "A method option, e.g. --opt ssd.alpha=20 (repeatable).")
        List<String> options = new ArrayList<>();

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            run.startEngine();
            DatasetRef.Loaded data = dataset.toRef(run.seed).load();
            ModelSpec spec = ModelSpec.parse(bench.model, data.train().featureShape(), data.train().numClasses());
            var config = new dev.lethe.torch.train.TrainConfig(epochs, bench.batchSize, dev.lethe.torch.train.OptimizerKind.ADAM, learningRate,
                    0f, weightDecay, run.seed);
            List<dev.lethe.torch.method.UnlearningMethod<?>> chosen = new ArrayList<>();
            chosen.add(dev.lethe.torch.method.UnlearningMethods.get(dev.lethe.torch.method.Retrain.NAME));
            // by default every method that unlearns a classifier (the benchmark's models are classifiers)
            for (var m : methods == null ? dev.lethe.torch.method.UnlearningMethods.all().stream()
                    .filter(u -> u.tasks().contains(dev.lethe.torch.task.ClassificationTask.INSTANCE)).toList()
                    : methods.stream().map(dev.lethe.torch.method.UnlearningMethods::get).toList()) {
                if (!m.name().equals(dev.lethe.torch.method.Retrain.NAME)) {
                    chosen.add(m);
                }
            }
            Map<String, String> methodOptions = dev.lethe.torch.method.MethodOptions.fromPairs(options);
            dev.lethe.torch.method.TrainingHook.forPerturbation(perturbation).options(perturbation).forEach(methodOptions::putIfAbsent);
            // validates the keys addressed to each chosen method, and refuses any addressed to none, before any training
            dev.lethe.torch.method.MethodOptions.requireAddressed(chosen, methodOptions);
            var rows = dev.lethe.torch.bench.MethodBenchmark.run(data, spec, config, perturbation, forgetFraction, chosen, methodOptions,
                    run.seed, repeats);
            if (run.json) {
                Output.json(out, rows);
                return ExitCodes.OK;
            }
            double retrainSeconds = rows.stream().filter(r -> r.method().equals("retrain")).findFirst().orElseThrow().seconds();
            out.printf(Locale.ROOT, "%s, %s, forget %.0f %% of %d training records, seed %d, times = median of %d runs%n%n",
                    data.ref().name(), spec.name(), forgetFraction * 100, data.train().size(), run.seed, repeats);
            out.println("| method | forget acc | retain acc | test acc | MIA AUC (forget vs test) | seconds | share of retrain"
                    + " | prepared once per model (s) |");
            out.println("|---|---|---|---|---|---|---|---|");
            for (var r : rows) {
                if (r.error() != null) {
                    out.printf(Locale.ROOT, "| %s | refused: %s | | | | | | |%n", r.method(), r.error());
                    continue;
                }
                out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.3f | %s | %s | %s |%n", r.method(), r.forgetAccuracy(),
                        r.retainAccuracy(), r.testAccuracy(), r.miaAuc(),
                        Double.isNaN(r.seconds()) ? "–" : String.format(Locale.ROOT, "%.3f", r.seconds()),
                        Double.isNaN(r.seconds()) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * r.seconds() / retrainSeconds),
                        Double.isNaN(r.prepareSeconds()) ? "–" : String.format(Locale.ROOT, "%.2f", r.prepareSeconds()));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** The REST service under load: intake, queue drain, prediction latency, one erasure end to end. */
    @Command(name = "serve", footer = {"%nExample:", "  lethe bench serve --store sisa-store --requests 1000 --clients 8"}, mixinStandardHelpOptions = true,
            description = "lethe serve under load on a scratch copy of a SISA store: forget-request intake from concurrent "
                    + "clients (durable before each 202), queue drain time, prediction latency, one person's erasure to done.")
    static final class Serve implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "A SISA store (copied; not changed).")
        Path store;

        @Option(names = "--requests", defaultValue = "1000", description = "Forget requests to submit. Default: ${DEFAULT-VALUE}.")
        int requests;

        @Option(names = "--clients", defaultValue = "8", description = "Concurrent client threads. Default: ${DEFAULT-VALUE}.")
        int clients;

        @Option(names = "--predictions", defaultValue = "2000", description = "Single-vector predictions. Default: ${DEFAULT-VALUE}.")
        int predictions;

        @Option(names = "--batch-window-ms", defaultValue = "500", description = "The worker's batch window. Default: ${DEFAULT-VALUE}.")
        long batchWindowMs;

        @Option(names = "--json", description = "Print the figures as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (requests < 1 || clients < 1 || predictions < 1) {
                throw new IllegalArgumentException("--requests, --clients and --predictions must be at least 1");
            }
            ServerBenchmark.Figures f = ServerBenchmark.run(store, requests, clients, predictions, java.time.Duration.ofMillis(batchWindowMs));
            if (json) {
                Output.json(out, f);
            } else {
                out.printf(Locale.ROOT, "  intake    %d forget requests from %d clients in %.2f s: %.0f/s, 202 after %.1f ms median, %.1f ms p99%n",
                        f.requests(), f.clients(), f.intakeSeconds(), f.intakePerSecond(), f.intakeP50Ms(), f.intakeP99Ms());
                out.printf(Locale.ROOT, "  drain     queue empty %.2f s after the last 202 (batch window %d ms)%n", f.drainSeconds(), f.batchWindowMs());
                out.printf(Locale.ROOT, "  predict   %d single vectors: %.1f ms median, %.1f ms p99, %.0f/s%n", f.predictions(),
                        f.predictP50Ms(), f.predictP99Ms(), f.predictPerSecond());
                out.printf(Locale.ROOT, "  one client, one vector at a time: %.2f ms median, %.2f ms p99%n", f.oneClientP50Ms(), f.oneClientP99Ms());
                out.printf(Locale.ROOT, "  batched   calls of %d vectors: %.1f ms median, %.0f predictions/s%n", f.batchSize(), f.batchP50Ms(),
                        f.batchedPredictionsPerSecond());
                out.printf(Locale.ROOT, "  erasure   one person, submitted to done: %.2f s%n", f.erasureSeconds());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** What checkpoint integrity costs: a verified against an unverified ensemble load, and the repair of one shard. */
    @Command(name = "checkpoints", footer = {"%nExample:", "  lethe bench checkpoints --store sisa-store"}, mixinStandardHelpOptions = true,
            description = "Time a SISA store's ensemble load with and without SHA-256 verification, and 'lethe repair' of one whole "
                    + "shard (on a scratch copy) against that shard's original training time.")
    static final class Checkpoints implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "A SISA store (not changed).")
        Path store;

        @Option(names = "--runs", defaultValue = "7", description = "Loads of each kind, interleaved. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--shard", defaultValue = "0", description = "The shard whose checkpoints are deleted and repaired. Default: ${DEFAULT-VALUE}.")
        int shard;

        @Option(names = "--json", description = "Print the figures as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            var manifest = dev.lethe.core.store.Store.open(store).readManifest();
            dev.lethe.torch.runtime.TorchRuntime.start(dev.lethe.torch.sisa.SisaService.config(manifest).threads());
            Path scratch = java.nio.file.Files.createTempDirectory("lethe-bench-repair");
            try {
                var f = dev.lethe.torch.bench.CheckpointBenchmark.run(store, scratch.resolve("store"), runs, shard, ai.djl.Device.cpu());
                if (json) {
                    Output.json(out, f);
                } else {
                    out.printf(Locale.ROOT, "  load      %d final checkpoints (%.1f MB): verified %.1f ms, unverified %.1f ms (medians of %d)%n",
                            f.checkpoints(), f.megabytes(), f.verifiedMedianMs(), f.unverifiedMedianMs(), runs);
                    out.printf(Locale.ROOT, "  repair    shard %d, %d checkpoints recomputed bit for bit in %.2f s, of which %.2f s retraining"
                                    + " the shard (its original training: %.2f s)%n",
                            f.shard(), f.slicesRepaired(), f.repairSeconds(), f.recomputeSeconds(), f.trainSeconds());
                }
            } finally {
                FileUtils.deleteDirectory(scratch.toFile());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
