package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.TorchScriptFamily;
import dev.lethe.torch.model.TorchScriptModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.lethe.torch.lm.LmTrainConfig;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The model and how to train it. */
public final class ModelOptions {

    @Option(names = "--model", defaultValue = "mlp",
            description = "logreg, mlp[:w1,w2,...] (default widths 256,128), cnn[:c1,c2,h] (for images), or torchscript:FILE.pt (your own architecture, a TorchScript classifier from Python, trained here from fresh weights). Default: ${DEFAULT-VALUE}.")
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

    /** Whether the model is a user's own TorchScript architecture ({@code torchscript:FILE.pt}). */
    boolean isTorchScript() {
        return model.startsWith(TorchScriptFamily.NAME + ":");
    }

    /**
     * The model for records of {@code inputShape} and {@code numClasses} classes. {@code torchscript:FILE.pt} is a user's
     * architecture: the module is checked to be a classifier for the data and named by its SHA-256; the training gives it
     * fresh weights from the seed.
     */
    ModelSpec spec(int[] inputShape, int numClasses) throws IOException {
        String prefix = TorchScriptFamily.NAME + ":";
        if (model.regionMatches(true, 0, prefix, 0, prefix.length())) {
            Path file = Path.of(model.substring(prefix.length()));
            if (Files.isRegularFile(file)) {
                try (ModelHandle checked = TorchScriptModules.open(Files.readAllBytes(file), file.toString(), inputShape, numClasses, Device.cpu())) {
                    return checked.spec();
                }
            }
        }
        return ModelSpec.parse(model, inputShape, numClasses);
    }

    TrainConfig trainConfig(long seed) {
        return new TrainConfig(epochs, batchSize, optimizerKind(optimizer), learningRate, momentum, weightDecay, seed);
    }

    /** The {@code --optimizer} value as an update rule: adam or sgd. */
    static OptimizerKind optimizerKind(String option) {
        try {
            return OptimizerKind.valueOf(option.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimizer must be adam or sgd, got '" + option + "'");
        }
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
