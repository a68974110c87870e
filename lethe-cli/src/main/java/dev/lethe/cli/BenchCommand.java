package dev.lethe.cli;

import dev.lethe.core.data.DatasetRef;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe bench}: benchmarks that print figures for docs/BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (see docs/BENCHMARKS.md).",
        subcommands = {BenchCommand.Throughput.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Training throughput and checkpoint save/load time of the one training loop. */
    @Command(name = "throughput", mixinStandardHelpOptions = true,
            description = "Training samples/s (after one warm-up epoch) and checkpoint save/load time. "
                    + "bench/throughput.sh runs it next to the same model in Python PyTorch.")
    static final class Throughput implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DatasetOptions dataset;

        @Option(names = "--model", defaultValue = "mlp:256,128", description = "Model. Default: ${DEFAULT-VALUE}.")
        String model;

        @Option(names = "--batch-size", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
        int batchSize;

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
            ModelSpec modelSpec = ModelSpec.parse(model, data.train().featureShape(), data.train().numClasses());
            var config = new dev.lethe.torch.train.TrainConfig(1, batchSize, dev.lethe.torch.train.OptimizerKind.ADAM, 1e-3f, 0f, 0f, run.seed);
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
            doc.put("batchSize", batchSize);
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
                        data.ref().name(), modelSpec.name(), data.train().size(), batchSize, run.threads, f.samplesPerSecond(),
                        f.saveMillis(), f.loadMillis(), f.checkpointBytes());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
