package dev.lethe.torch.lm;

import dev.lethe.core.store.TrainSchedule;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;

/**
 * How {@link LmTraining} trains a language model: AdamW with a linear warm-up then cosine decay of the
 * learning rate, global gradient-norm clipping, and length-bucketed batches.
 *
 * @param epochs passes over the data, at least 1
 * @param batchSize sequences per update, at least 1
 * @param peakLearningRate the rate at the end of the warm-up, positive
 * @param warmupSteps updates of linear warm-up from {@code peak / 20}, at least 0
 * @param floorLearningRate the rate the cosine decays to by the last update, in [0, peak]
 * @param weightDecay AdamW's decoupled weight decay λ, at least 0
 * @param clipNorm the bound on the global gradient norm, positive
 * @param seed the run seed every batch order derives from
 * @param wholeSequenceLoss the loss counts every next token, prompts included ({@link TrainSchedule#wholeSequenceLoss});
 *                          false counts only what each record's loss mask counts (a pair's answer)
 */
public record LmTrainConfig(int epochs, int batchSize, float peakLearningRate, int warmupSteps, float floorLearningRate,
                            float weightDecay, float clipNorm, long seed, boolean wholeSequenceLoss) {

    /** A recipe with the whole-sequence loss (the default: see {@link #defaults}). */
    public LmTrainConfig(int epochs, int batchSize, float peakLearningRate, int warmupSteps, float floorLearningRate,
                         float weightDecay, float clipNorm, long seed) {
        this(epochs, batchSize, peakLearningRate, warmupSteps, floorLearningRate, weightDecay, clipNorm, seed, true);
    }

    public LmTrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (!(peakLearningRate > 0) || Float.isInfinite(peakLearningRate)) {
            throw new IllegalArgumentException("the peak learning rate must be a positive number, got " + peakLearningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(floorLearningRate >= 0) || floorLearningRate > peakLearningRate) {
            throw new IllegalArgumentException("the floor learning rate must be in [0, peak = " + peakLearningRate + "], got "
                    + floorLearningRate);
        }
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(clipNorm > 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("the gradient-norm bound must be a positive number, got " + clipNorm);
        }
    }

    /**
     * The recipe measured in ../shared/lm-probe.md (d=192, 4 layers memorises 20 TOFU authors in 45 epochs):
     * batch 8, peak 3e-3 after 100 warm-up updates, cosine to 3e-4, no weight decay, clip at norm 1, and the loss on
     * every token as there (question and answer). With the loss on the answers only, the same 45 epochs left the
     * 20-author set's mean answer loss at 1.75 nats per byte by epoch 21 against 0.94 (docs/BENCHMARKS.md).
     */
    public static LmTrainConfig defaults(int epochs, long seed) {
        return new LmTrainConfig(epochs, 8, 3e-3f, 100, 3e-4f, 0f, 1f, seed, true);
    }

    public LmTrainConfig withEpochs(int newEpochs) {
        return new LmTrainConfig(newEpochs, batchSize, peakLearningRate, warmupSteps, floorLearningRate, weightDecay, clipNorm, seed,
                wholeSequenceLoss);
    }

    public LmTrainConfig withSeed(long newSeed) {
        return new LmTrainConfig(epochs, batchSize, peakLearningRate, warmupSteps, floorLearningRate, weightDecay, clipNorm, newSeed,
                wholeSequenceLoss);
    }

    /**
     * The same recipe as the {@link TrainConfig} every training path takes (AdamW at the peak rate, with the
     * {@link TrainSchedule} that makes {@link dev.lethe.torch.train.TrainLoop} warm up, decay, clip and bucket), so a store
     * records it and a SISA shard or a retraining replays it.
     */
    public TrainConfig toTrainConfig() {
        return new TrainConfig(epochs, batchSize, OptimizerKind.ADAMW, peakLearningRate, 0f, weightDecay, seed,
                new TrainSchedule(warmupSteps, floorLearningRate, clipNorm, LmTraining.BUCKET_JITTER_TOKENS, wholeSequenceLoss));
    }
}
