package dev.lethe.cli;

import dev.lethe.torch.bench.GptThroughputBenchmark;
import dev.lethe.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe bench lm-throughput}: training tokens per second of a {@code gpt} on a fixed batch of random bytes, and
 * greedy generation with and without the KV cache ({@link GptThroughputBenchmark}). {@code bench/lm-throughput.sh} runs
 * it next to the same model in Python PyTorch, each side in every thread configuration of two cores.
 */
@Command(name = "lm-throughput", footer = {"%nExample:", "  lethe bench lm-throughput --threads 2"}, mixinStandardHelpOptions = true,
        description = "Language-model throughput: training tokens/s of a gpt (AdamW, gradient-norm clipping, batch × 256 random byte"
                + " tokens) and greedy generation tokens/s with and without the KV cache. bench/lm-throughput.sh runs it next to the"
                + " same model in Python PyTorch.")
final class BenchLmThroughput implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "gpt:192,4,4,640", description = "gpt[:width,layers,heads,context]. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--length", defaultValue = "256", description = "Input tokens per sequence. Default: ${DEFAULT-VALUE}.")
    int length;

    @Option(names = "--windows", defaultValue = "3", description = "Timed windows of steps (the median is reported). Default: ${DEFAULT-VALUE}.")
    int windows;

    @Option(names = "--steps", defaultValue = "5", description = "Steps per timed window, after 3 untimed warm-up steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--generate", defaultValue = "64", description = "Tokens generated per greedy generation. Default: ${DEFAULT-VALUE}.")
    int generate;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (batchSize < 1 || length < 2 || windows < 1 || steps < 1 || generate < 1) {
            throw new IllegalArgumentException("--batch-size, --windows, --steps and --generate must be at least 1 and --length at least 2");
        }
        run.startEngine();
        GptThroughputBenchmark.Figures f = GptThroughputBenchmark.run(model, batchSize, length, 3, windows, steps, generate, 3, run.seed);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("impl", "lethe");
        doc.put("pytorch", TorchRuntime.pytorchVersion());
        doc.put("threads", run.threads);
        doc.put("model", f.spec());
        doc.put("parameters", f.parameters());
        doc.put("batch", batchSize);
        doc.put("length", length);
        doc.put("trainTokensPerSecond", f.trainTokensPerSecond());
        doc.put("windowTokensPerSecond", f.windowTokensPerSecond());
        doc.put("msPerStep", f.millisPerStep());
        doc.put("generateTokensPerSecondCached", f.generatedTokensPerSecondCached());
        doc.put("generateTokensPerSecondUncached", f.generatedTokensPerSecondUncached());
        if (run.json) {
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  %s (%.2fM parameters), %d threads, batch %d × %d: training %,.0f tokens/s (%.0f ms/step)%n",
                    f.spec(), f.parameters() / 1e6, run.threads, batchSize, length, f.trainTokensPerSecond(), f.millisPerStep());
            out.printf(Locale.ROOT, "  greedy generation of %d tokens: %.1f tokens/s with the KV cache, %.1f without (%.1f×)%n", generate,
                    f.generatedTokensPerSecondCached(), f.generatedTokensPerSecondUncached(),
                    f.generatedTokensPerSecondCached() / f.generatedTokensPerSecondUncached());
            out.flush();
        }
        return ExitCodes.OK;
    }
}
