package dev.lethe.torch.train;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flag another thread sets to stop a long run. {@link TrainLoop} checks it before every step and
 * stops with a {@link CancellationException}, leaving the model at the last completed update.
 */
public final class Cancellation {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Asks the run to stop at its next check. */
    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Throws {@link CancellationException} if cancellation was asked for. */
    public void check() {
        if (cancelled.get()) {
            throw new CancellationException("cancelled");
        }
    }
}
