package dev.lethe.torch.train;

import java.util.List;

/**
 * What a {@link TrainLoop} run did.
 *
 * @param steps updates applied in this run
 * @param samples records processed in this run
 * @param epochLosses mean batch loss of each epoch, in order
 * @param seconds wall time of the run
 */
public record TrainResult(long steps, long samples, List<Double> epochLosses, double seconds) {

    public TrainResult {
        epochLosses = List.copyOf(epochLosses);
    }

    /** Records per second over the whole run. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }

    /** Mean batch loss of the last epoch, or NaN if none finished. */
    public double finalLoss() {
        return epochLosses.isEmpty() ? Double.NaN : epochLosses.get(epochLosses.size() - 1);
    }
}
