package dev.lethe.torch.train;

/**
 * The learning rate of each optimizer update, as a pure function of the update's index (0-based, counted
 * by the {@link OptimizerState}, so a continued run picks up the schedule where it stopped).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate of update {@code update} (0-based). */
    float rate(long update);

    /** The same rate for every update: what {@link TrainLoop} uses unless told otherwise. */
    static LearningRateSchedule constant(float rate) {
        checkRate("learning rate", rate);
        return update -> rate;
    }

    /**
     * Linear warm-up, then cosine decay (Loshchilov and Hutter 2017, SGDR without restarts; the schedule
     * GPT-style training uses): for update s,
     * <pre>
     *   s &lt; W:       η(s) = η₀/20 + (η₀ − η₀/20) · s / W
     *   W ≤ s ≤ S:   η(s) = η_min + (η₀ − η_min) · (1 + cos(π · (s − W) / (S − W))) / 2
     *   s &gt; S:       η(s) = η_min
     * </pre>
     * with peak η₀ = {@code peak}, W = {@code warmupSteps}, S = {@code totalSteps} and η_min = {@code floor}.
     */
    static LearningRateSchedule warmupCosine(float peak, long warmupSteps, long totalSteps, float floor) {
        checkRate("peak learning rate", peak);
        if (!(floor >= 0) || floor > peak) {
            throw new IllegalArgumentException("the floor learning rate must be in [0, peak = " + peak + "], got " + floor);
        }
        if (warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("warm-up steps must be in [0, total steps]: got " + warmupSteps + " warm-up of "
                    + totalSteps + " total");
        }
        double start = peak / 20.0;
        return update -> {
            if (update < warmupSteps) {
                return (float) (start + (peak - start) * update / warmupSteps);
            }
            long decay = totalSteps - warmupSteps;
            double progress = decay == 0 ? 1 : Math.min(1.0, (double) (update - warmupSteps) / decay);
            return (float) (floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2);
        };
    }

    private static void checkRate(String what, float rate) {
        if (!(rate > 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + rate);
        }
    }
}
