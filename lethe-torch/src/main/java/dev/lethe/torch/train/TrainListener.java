package dev.lethe.torch.train;

/** Hears what {@link TrainLoop} does, for progress bars and logs. All methods default to nothing. */
public interface TrainListener {

    /** A listener that ignores everything. */
    TrainListener NONE = new TrainListener() {
    };

    /** Training starts; {@code totalSteps} updates will follow unless cancelled. */
    default void onStart(long totalSteps) {
    }

    /** Update {@code step} (0-based within this run) finished with the given batch loss. */
    default void onStep(long step, float loss) {
    }

    /** Epoch {@code epoch} (0-based) finished with the given mean batch loss. */
    default void onEpochEnd(int epoch, double meanLoss) {
    }

    /** Training ended, normally or not. */
    default void onFinish() {
    }
}
