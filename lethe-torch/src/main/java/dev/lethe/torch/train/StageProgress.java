package dev.lethe.torch.train;

/**
 * Progress of a job made of several training runs — the shadow models of an attack, the pairs of
 * U-LiRA — one {@link TrainListener} per run, so that a long attack shows where it is instead of
 * running in silence.
 */
@FunctionalInterface
public interface StageProgress {

    /** No progress shown. */
    StageProgress NONE = stage -> TrainListener.NONE;

    /** The listener of the training run called {@code stage}, e.g. {@code "shadow 2/4"}. */
    TrainListener stage(String stage);
}
