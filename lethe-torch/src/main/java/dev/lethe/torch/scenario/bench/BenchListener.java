package dev.lethe.torch.scenario.bench;

/** Hears a scenario run's progress, for progress bars; every method defaults to nothing. */
public interface BenchListener {

    /** A listener that ignores everything. */
    BenchListener NONE = new BenchListener() {
    };

    /** The run will go through {@code tasks} (seed, method) results. */
    default void onPlan(int tasks) {
    }

    /** Work on {@code task} (e.g. "seed 42: grad-ascent") starts. */
    default void onTask(String task) {
    }

    /** {@code task} is finished; {@code reused} when its result came from an earlier run. */
    default void onDone(String task, boolean reused) {
    }
}
