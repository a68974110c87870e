package dev.lethe.torch.bench;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.metrics.Stats;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerState;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training throughput and checkpoint cost of the one {@link TrainLoop}, measured the same way as
 * {@code bench/throughput_torch.py} measures plain PyTorch: the whole data set already in a tensor,
 * one warm-up epoch (JIT and allocator warm-up), then timed epochs with a fresh shuffle each, the
 * loss read back every step. Checkpoint save/load: the model and its optimizer state written to and
 * read from a file, median over repeats.
 */
public final class ThroughputBenchmark {

    private ThroughputBenchmark() {
    }

    /**
     * The figures of one run.
     *
     * @param samplesPerSecond training samples per second over the timed epochs
     * @param epochSeconds wall time of each timed epoch
     * @param saveMillis median time to save model + optimizer state (atomic write with fsync)
     * @param loadMillis median time to load the model + optimizer state
     * @param checkpointBytes size of one checkpoint file
     * @param finalLoss mean loss of the last epoch
     */
    public record Figures(double samplesPerSecond, List<Double> epochSeconds, double saveMillis, double loadMillis,
                          long checkpointBytes, double finalLoss) {
    }

    public static Figures run(RecordSet train, ModelSpec spec, TrainConfig config, int timedEpochs, int checkpointRepeats,
                              Path scratchDir) throws IOException {
        try (ModelHandle model = ModelHandle.create(spec, config.seed(), Device.cpu());
             TensorData data = TensorData.of(train, model.manager());
             OptimizerState state = OptimizerState.create(config, model)) {
            TrainLoop oneEpoch = new TrainLoop(config.withEpochs(1));
            oneEpoch.run(model, state, data, Objectives.crossEntropy(), 0);
            List<Double> epochSeconds = new ArrayList<>();
            long samples = 0;
            double seconds = 0;
            double finalLoss = Double.NaN;
            for (int e = 1; e <= timedEpochs; e++) {
                TrainResult r = oneEpoch.run(model, state, data, Objectives.crossEntropy(), e);
                epochSeconds.add(r.seconds());
                samples += r.samples();
                seconds += r.seconds();
                finalLoss = r.finalLoss();
            }
            double[] save = new double[checkpointRepeats];
            double[] load = new double[checkpointRepeats];
            Path file = scratchDir.resolve("bench-checkpoint.bin");
            for (int i = 0; i < checkpointRepeats; i++) {
                long t0 = System.nanoTime();
                dev.lethe.core.store.AtomicFiles.write(file, out -> {
                    model.write(out);
                    DataOutputStream dos = new DataOutputStream(out);
                    state.write(dos);
                    dos.flush();
                });
                long t1 = System.nanoTime();
                try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)));
                     ModelHandle loaded = ModelHandle.read(in, file.toString(), Device.cpu());
                     OptimizerState loadedState = OptimizerState.read(in, loaded)) {
                    long t2 = System.nanoTime();
                    save[i] = (t1 - t0) / 1e6;
                    load[i] = (t2 - t1) / 1e6;
                }
            }
            long bytes = Files.size(file);
            Files.deleteIfExists(file);
            return new Figures(samples / seconds, epochSeconds, Stats.median(save), Stats.median(load), bytes, finalLoss);
        }
    }
}
