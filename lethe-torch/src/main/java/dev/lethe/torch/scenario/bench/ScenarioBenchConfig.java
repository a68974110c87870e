package dev.lethe.torch.scenario.bench;

import dev.lethe.core.data.DatasetRef;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.Retrain;
import dev.lethe.torch.method.StrengthCalibration;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.scenario.ScenarioSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Everything that determines a scenario run's figures (besides the machine's timings): the data, the
 * scenario and its parameters, the methods, the seeds, the model and how it trains, and the SISA layout.
 * Validated on construction — an unknown method or scenario, a bad share or an empty seed list is
 * refused before any data is loaded. {@code retrain} is always run, first: it is the reference.
 *
 * @param dataset which data, split with its own seed (fixed across the run's seeds)
 * @param scenario the scenario and its parameters
 * @param methods method ids, {@code retrain} first (added when missing), no repeats
 * @param seeds the run seeds; each trains its own original model and draws its own forget set
 * @param model the model spec as on the command line ({@code mlp:256,128}, {@code cnn}, ...)
 * @param epochs epochs of the original model (and of retrain; per slice for SISA)
 * @param batchSize records per step
 * @param learningRate Adam's step size
 * @param sisa the SISA layout to compare, or {@code null} for none
 * @param threads PyTorch intra-op threads (recorded: they change the bits)
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param options method options ({@code --opt scrub.updateScale=1}), each key addressed to one of {@code methods}; a method
 *                runs with its defaults for every field not given, and a strength the user sets is not set from the data.
 *                Left out of the JSON when empty, so that a run without options keeps the configuration hash it had
 * @param keepWithin the keeping allowance of every strength set from the data ({@code --keep-within},
 *                   {@link UnlearningContext#keepWithin}); null for the default, {@value StrengthCalibration#RETAIN_DROP}, and
 *                   then left out of the JSON, so that a run without it keeps the configuration hash it had
 */
public record ScenarioBenchConfig(DatasetRef dataset, ScenarioSpec scenario, List<String> methods, List<Long> seeds, String model,
                                  int epochs, int batchSize, float learningRate, SisaShape sisa, int threads, String device,
                                  @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> options,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Double keepWithin) {

    /** A configuration in which every method runs with its default options. */
    public ScenarioBenchConfig(DatasetRef dataset, ScenarioSpec scenario, List<String> methods, List<Long> seeds, String model,
                               int epochs, int batchSize, float learningRate, SisaShape sisa, int threads, String device) {
        this(dataset, scenario, methods, seeds, model, epochs, batchSize, learningRate, sisa, threads, device, Map.of());
    }

    /** A configuration with the default keeping allowance. */
    public ScenarioBenchConfig(DatasetRef dataset, ScenarioSpec scenario, List<String> methods, List<Long> seeds, String model,
                               int epochs, int batchSize, float learningRate, SisaShape sisa, int threads, String device,
                               Map<String, String> options) {
        this(dataset, scenario, methods, seeds, model, epochs, batchSize, learningRate, sisa, threads, device, options, null);
    }

    public ScenarioBenchConfig {
        scenario.create();
        List<String> ordered = new ArrayList<>();
        ordered.add(Retrain.NAME);
        for (String m : methods) {
            UnlearningMethods.get(m);
            if (ordered.contains(m) && !m.equals(Retrain.NAME)) {
                throw new IllegalArgumentException("--methods names " + m + " twice");
            }
            if (!ordered.contains(m)) {
                ordered.add(m);
            }
        }
        methods = List.copyOf(ordered);
        options = MethodOptions.sortedByKey(options);
        MethodOptions.requireAddressed(methods.stream().<UnlearningMethod<?>>map(UnlearningMethods::get).toList(), options);
        if (seeds.isEmpty() || new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("the seeds must be at least one and distinct, got " + seeds);
        }
        seeds = List.copyOf(seeds);
        new TrainConfig(epochs, batchSize, OptimizerKind.ADAM, learningRate, 0f, 0f, 0);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (keepWithin != null) {
            UnlearningContext.requireAllowance(keepWithin);
        }
    }

    /** The keeping allowance the runs use: {@link #keepWithin}, or the default. */
    public double allowance() {
        return keepWithin == null ? StrengthCalibration.RETAIN_DROP : keepWithin;
    }

    /** The training configuration of the original model (and of retrain) for one seed. */
    public TrainConfig train(long seed) {
        return new TrainConfig(epochs, batchSize, OptimizerKind.ADAM, learningRate, 0f, 0f, seed);
    }

    /** {@code count} consecutive seeds from {@code first}: the seeds of {@code --seeds N --seed S}. */
    public static List<Long> consecutiveSeeds(long first, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, got " + count);
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(first + i);
        }
        return seeds;
    }
}
