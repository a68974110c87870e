package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The language-model training recipe on top of an optimizer and a peak learning rate: linear warm-up then
 * cosine decay of the learning rate over each training run, global gradient-norm clipping, and batches of
 * similar length. A store records it with its training settings (absent for a classifier's constant-rate
 * training), and every run that trains the store's model again — a SISA shard's slices, a retraining —
 * applies the same recipe, so the bits replay.
 *
 * @param warmupSteps updates of linear warm-up from peak/20 at the start of each run, at least 0
 * @param floorLearningRate the rate the cosine reaches at the run's last update, at least 0
 * @param clipNorm the bound on the global gradient norm, positive
 * @param bucketJitterTokens batches group sequences whose lengths differ by about this many tokens (0 = exact sort)
 * @param wholeSequenceLoss the training loss counts every next token of a record, its prompt included, not only the
 *                          targets the record's loss mask counts (a question–answer pair's answer). A model trained
 *                          from scratch learns the pairs far faster so (docs/BENCHMARKS.md: 20 TOFU authors); metrics,
 *                          evaluation and unlearning still count the answers only. Left out of the JSON when false, so
 *                          a store written before it existed reads and fingerprints as it did.
 */
public record TrainSchedule(int warmupSteps, float floorLearningRate, float clipNorm, int bucketJitterTokens,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wholeSequenceLoss) {

    /** A recipe whose loss counts what each record's loss mask counts. */
    public TrainSchedule(int warmupSteps, float floorLearningRate, float clipNorm, int bucketJitterTokens) {
        this(warmupSteps, floorLearningRate, clipNorm, bucketJitterTokens, false);
    }

    public TrainSchedule {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(floorLearningRate >= 0) || Float.isInfinite(floorLearningRate)) {
            throw new IllegalArgumentException("the floor learning rate must be >= 0, got " + floorLearningRate);
        }
        if (!(clipNorm > 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("the gradient-norm bound must be a positive number, got " + clipNorm);
        }
        if (bucketJitterTokens < 0) {
            throw new IllegalArgumentException("the bucket jitter must be >= 0 tokens, got " + bucketJitterTokens);
        }
    }
}
