package dev.lethe.cli;

import picocli.CommandLine.Option;

/** The model and batch size every benchmark trains with. */
public final class BenchModelOptions {

    @Option(names = "--model", defaultValue = "mlp:256,128", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--batch-size", defaultValue = "128", description = "Records per step. Default: ${DEFAULT-VALUE} (train's is 64: benchmarks train many models and"
            + " take larger batches to do it faster).")
    int batchSize;
}
