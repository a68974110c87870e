package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.torch.runtime.TorchRuntime;
import picocli.CommandLine.Option;

/** Options every command that runs a model shares: seed, threads, device and JSON output. */
public final class RunOptions {

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random draw (split, init, shuffles). Default: ${DEFAULT-VALUE}.")
    public long seed;

    @Option(names = "--threads", defaultValue = "2",
            description = "PyTorch intra-op threads; the same seed and thread count give bit-identical weights. Default: ${DEFAULT-VALUE}.")
    public int threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (GPU needs a local libtorch, see README). Default: ${DEFAULT-VALUE}.")
    public String device;

    @Option(names = "--json", description = "Print machine-readable JSON on stdout (logs and progress go to stderr).")
    public boolean json;

    /** Starts the engine with the requested threads and returns the device. */
    public Device startEngine() {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        TorchRuntime.start(threads);
        return TorchRuntime.device(device);
    }
}
