package dev.lethe.torch.train;

import dev.lethe.core.store.TrainSchedule;

/**
 * How to train: epochs, batch size, update rule and its hyper-parameters, and the run seed from which
 * every shuffle is derived.
 *
 * @param epochs passes over the data, at least 1
 * @param batchSize records per step, at least 1 (the last batch of an epoch may be smaller)
 * @param optimizer update rule
 * @param learningRate step size, positive
 * @param momentum SGD momentum in [0, 1); ignored by Adam
 * @param weightDecay L2 penalty coefficient, at least 0
 * @param seed run seed: the shuffle of epoch e draws from {@code Seeds.derive(seed, "shuffle", e)}
 * @param schedule the language-model recipe {@link TrainLoop} applies by itself (warm-up + cosine from
 *                 {@code learningRate} as the peak, gradient-norm clipping, length-bucketed batches); null for a constant
 *                 rate and shuffled batches, as classifiers train
 */
public record TrainConfig(int epochs, int batchSize, OptimizerKind optimizer, float learningRate, float momentum,
                          float weightDecay, long seed, TrainSchedule schedule) {

    /** A constant-rate configuration with shuffled batches (no {@link TrainSchedule}). */
    public TrainConfig(int epochs, int batchSize, OptimizerKind optimizer, float learningRate, float momentum, float weightDecay,
                       long seed) {
        this(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, null);
    }

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }

    /** Adam, learning rate 1e-3, batch 128, no weight decay: a sound default for the small models here. */
    public static TrainConfig defaults(int epochs, long seed) {
        return new TrainConfig(epochs, 128, OptimizerKind.ADAM, 1e-3f, 0f, 0f, seed);
    }

    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(newEpochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, schedule);
    }

    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, newSeed, schedule);
    }

    public TrainConfig withLearningRate(float newRate) {
        return new TrainConfig(epochs, batchSize, optimizer, newRate, momentum, weightDecay, seed, schedule);
    }

    public TrainConfig withOptimizer(OptimizerKind kind) {
        return new TrainConfig(epochs, batchSize, kind, learningRate, momentum, weightDecay, seed, schedule);
    }

    /** This configuration with the language-model recipe {@code newSchedule} (null: constant rate, shuffled batches). */
    public TrainConfig withSchedule(TrainSchedule newSchedule) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, newSchedule);
    }

    public TrainConfig withWeightDecay(float newWeightDecay) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, newWeightDecay, seed, schedule);
    }

    public TrainConfig withBatchSize(int newBatchSize) {
        return new TrainConfig(epochs, newBatchSize, optimizer, learningRate, momentum, weightDecay, seed, schedule);
    }
}
