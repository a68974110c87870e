package dev.lethe.torch.bench;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.metrics.Stats;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.OptimizerState;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training and generation throughput of a {@code gpt} model, measured like {@code ../shared/bench/gpt_torch.py}
 * measures the same model in Python PyTorch: one fixed batch of random byte sequences ({@code batch × length}
 * input tokens, every next token counted), AdamW at 3e-3 with global gradient-norm clipping at 1, warm-up
 * steps first, then timed windows of steps; the figure is the median window's tokens per second.
 * Generation: greedy decoding of a fixed number of tokens after a short prompt, with and without the KV
 * cache, median over repeats. {@code lethe bench lm-throughput} runs it; {@code bench/lm-throughput.sh} runs that next to
 * the same model in Python PyTorch.
 */
public final class GptThroughputBenchmark {

    private static final float LEARNING_RATE = 3e-3f;
    private static final float CLIP_NORM = 1f;

    private GptThroughputBenchmark() {
    }

    /**
     * The figures of one run.
     *
     * @param spec the model spec
     * @param parameters scalar parameters of the model
     * @param trainTokensPerSecond median over the timed windows of training tokens per second
     * @param windowTokensPerSecond every timed window's tokens per second
     * @param millisPerStep milliseconds per training step in the median window
     * @param generatedTokensPerSecondCached greedy generation with the KV cache, tokens per second (median)
     * @param generatedTokensPerSecondUncached greedy generation with a full forward pass per token, tokens per second (median)
     */
    public record Figures(String spec, long parameters, double trainTokensPerSecond, List<Double> windowTokensPerSecond,
                          double millisPerStep, double generatedTokensPerSecondCached, double generatedTokensPerSecondUncached) {
    }

    /**
     * Measures {@code spec} (a gpt over 256 byte tokens): {@code warmupSteps} untimed training steps, then
     * {@code windows} windows of {@code stepsPerWindow} steps on a batch of {@code batch} sequences of
     * {@code length} input tokens; then {@code generateRepeats} greedy generations of {@code generateTokens}
     * tokens each way.
     */
    public static Figures run(String spec, int batch, int length, int warmupSteps, int windows, int stepsPerWindow,
                              int generateTokens, int generateRepeats, long seed) {
        RecordSet data = randomBytes(batch, length + 1, seed);
        TrainConfig config = new TrainConfig(1, batch, OptimizerKind.ADAMW, LEARNING_RATE, 0f, 0f, seed);
        try (ModelHandle model = ModelHandle.create(GptFamily.spec(spec, 256), seed);
             TensorData tensors = TensorData.of(data, model.manager());
             OptimizerState state = OptimizerState.create(config, model)) {
            // one record batch per epoch, so an epoch is one step
            new TrainLoop(config.withEpochs(warmupSteps)).clipGradientNorm(CLIP_NORM)
                    .run(model, state, tensors, NextTokenTask.INSTANCE.objective(), 0);
            List<Double> rates = new ArrayList<>();
            TrainLoop window = new TrainLoop(config.withEpochs(stepsPerWindow)).clipGradientNorm(CLIP_NORM);
            for (int w = 0; w < windows; w++) {
                TrainResult r = window.run(model, state, tensors, NextTokenTask.INSTANCE.objective(), warmupSteps + (long) w * stepsPerWindow);
                rates.add((double) stepsPerWindow * batch * length / r.seconds());
            }
            double median = Stats.median(rates.stream().mapToDouble(Double::doubleValue).toArray());
            int[] prompt = ((TokenSequences) data.content()).tokens(0);
            prompt = java.util.Arrays.copyOf(prompt, 16);
            double cached = generation(model, prompt, GenerationConfig.greedy(generateTokens, -1), generateRepeats);
            double uncached = generation(model, prompt, GenerationConfig.greedy(generateTokens, -1).withCache(false), generateRepeats);
            return new Figures(spec, model.parameterCount(), median, rates, 1000.0 * batch * length / median, cached, uncached);
        }
    }

    /** Median tokens per second of {@code repeats} generations, after one untimed warm-up generation. */
    private static double generation(ModelHandle model, int[] prompt, GenerationConfig config, int repeats) {
        Generator.generate(model, prompt, config);
        double[] rates = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            int produced = Generator.generate(model, prompt, config).length;
            rates[i] = produced / ((System.nanoTime() - t0) / 1e9);
        }
        return Stats.median(rates);
    }

    /** {@code count} sequences of {@code tokens} uniformly random bytes, every token after the first counted. */
    private static RecordSet randomBytes(int count, int tokens, long seed) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "random-bytes"));
        List<int[]> sequences = new ArrayList<>();
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            sequences.add(random.ints(tokens, 0, 256).toArray());
            ids[i] = "bytes-" + i;
        }
        TokenSequences content = TokenSequences.of(sequences, 256);
        return new RecordSet("random bytes", ids, null, content, NextTokenTargets.allTokens(content));
    }
}
