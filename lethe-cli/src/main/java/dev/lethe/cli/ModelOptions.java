package dev.lethe.cli;

import dev.lethe.torch.lm.LmTrainConfig;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The model and how to train it. */
public final class ModelOptions {

    @Option(names = "--model", defaultValue = "mlp",
            description = "logreg, mlp[:w1,w2,...] (default widths 256,128) or cnn[:c1,c2,h] (for images). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "30", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Records per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay. Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(names = "--perturbation", defaultValue = "0",
            description = "Train with Guo et al.'s objective perturbation of this standard deviation σ, so that 'lethe unlearn --method certified' "
                    + "can certify removals (logreg with --weight-decay > 0). Default: none.")
    double perturbation;

    ModelSpec spec(int[] inputShape, int numClasses) {
        return ModelSpec.parse(model, inputShape, numClasses);
    }

    TrainConfig trainConfig(long seed) {
        OptimizerKind kind;
        try {
            kind = OptimizerKind.valueOf(optimizer.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimizer must be adam or sgd, got '" + optimizer + "'");
        }
        return new TrainConfig(epochs, batchSize, kind, learningRate, momentum, weightDecay, seed);
    }

    /**
     * The training of a language model's shards (token data): ../shared/lm-probe.md's recipe ({@link LmTrainConfig}: AdamW,
     * 100 updates of warm-up to {@code --lr}, cosine to the smaller of 3e-4 and {@code --lr}, gradient-norm clipping at 1,
     * length-bucketed batches, the loss on every token) with these epochs, batch size and weight decay. A constant-rate
     * Adam does not memorise TOFU's answers at this model size; the recipe does (docs/BENCHMARKS.md).
     */
    TrainConfig languageModelConfig(long seed) {
        LmTrainConfig recipe = LmTrainConfig.defaults(epochs, seed); // warm-up, floor and clipping as 'lethe lm train' has them
        return new LmTrainConfig(epochs, batchSize, learningRate, recipe.warmupSteps(), Math.min(recipe.floorLearningRate(), learningRate),
                weightDecay, recipe.clipNorm(), seed, recipe.wholeSequenceLoss()).toTrainConfig();
    }
}
