package dev.lethe.spark;

import dev.lethe.torch.train.TrainListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's progress listener, for tasks that run in the driver's own JVM ({@code local[N]}): a listener cannot
 * travel to a task, so the driver registers it under the run's id and a task looks it up. A task on another JVM finds
 * nothing and trains silently; its slices are reported when the job returns.
 */
final class LocalProgress {

    private static final Map<String, TrainListener> LISTENERS = new ConcurrentHashMap<>();

    private LocalProgress() {
    }

    /** Makes {@code listener} the one tasks of {@code run} in this JVM report to, until the registration is closed. */
    static AutoCloseable register(String run, TrainListener listener) {
        LISTENERS.put(run, listener);
        return () -> LISTENERS.remove(run);
    }

    /** The listener registered for {@code run} in this JVM, or one that ignores everything. */
    static TrainListener listener(String run) {
        return LISTENERS.getOrDefault(run, TrainListener.NONE);
    }
}
