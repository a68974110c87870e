package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The resolved training configuration a store records in its manifest ({@code training}): enough to
 * replay the training bit for bit, and what later runs read back (the original configuration a method
 * or a retraining starts from, the σ a certified removal needs). The JSON keys are the component
 * names; the optional ones are left out when absent, so a manifest written before they existed reads
 * and writes back unchanged.
 *
 * @param epochs passes over the training data (for a SISA store: epochs per slice, as {@code sisa.epochsPerSlice})
 * @param batchSize records per step
 * @param optimizer {@code adam} or {@code sgd}
 * @param learningRate learning rate (float, as trained)
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay λ
 * @param seed the run seed every random draw derives from
 * @param threads PyTorch intra-op threads (kernels may sum in another order with other counts)
 * @param device the device trained on, e.g. {@code cpu()}
 * @param perturbation σ of the objective perturbation the model was trained with; null when none
 * @param carriedTombstones tombstones a replaced store carried into this one at ingest; null when none
 * @param schedule the language-model recipe (warm-up + cosine, clipping, length buckets); null for constant-rate training
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSettings(int epochs, int batchSize, String optimizer, float learningRate, float momentum, float weightDecay,
                               long seed, int threads, String device, Double perturbation, Integer carriedTombstones,
                               TrainSchedule schedule) {

    /** Settings without objective perturbation and without carried tombstones. */
    public TrainingSettings(int epochs, int batchSize, String optimizer, float learningRate, float momentum, float weightDecay,
                            long seed, int threads, String device) {
        this(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, threads, device, null, null, null);
    }

    /** σ of the objective perturbation the model was trained with, 0 when none. */
    public double perturbationOrZero() {
        return perturbation == null ? 0 : perturbation;
    }

    /** How many tombstones a replaced store carried into this one, 0 when none. */
    public int carriedTombstoneCount() {
        return carriedTombstones == null ? 0 : carriedTombstones;
    }

    /** These settings recording σ (none when {@code sigma} is 0). */
    public TrainingSettings withPerturbation(double sigma) {
        return new TrainingSettings(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, threads, device,
                sigma > 0 ? sigma : null, carriedTombstones, schedule);
    }

    /** These settings recording {@code count} carried tombstones (none when 0). */
    public TrainingSettings withCarriedTombstones(int count) {
        return new TrainingSettings(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, threads, device,
                perturbation, count > 0 ? count : null, schedule);
    }

    /** These settings recording the language-model recipe {@code newSchedule} (none when null). */
    public TrainingSettings withSchedule(TrainSchedule newSchedule) {
        return new TrainingSettings(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, seed, threads, device,
                perturbation, carriedTombstones, newSchedule);
    }
}
