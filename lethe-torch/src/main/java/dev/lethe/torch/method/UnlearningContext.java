package dev.lethe.torch.method;

import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

/**
 * How an unlearning run happens: the seed every draw derives from, the original model's training
 * configuration (batch size, optimizer and epochs that {@code retrain} and the fine-tuning phases
 * start from), progress and cancellation, and the {@link RunReport} a method records figures of the
 * run in (what {@link UnlearningRun#report()} returns). The device is the model's.
 *
 * @param seed run seed
 * @param original how the original model was trained
 * @param listener progress of every training phase
 * @param cancellation stops the run at the next step
 * @param report where the method records figures of this run (see {@link RunReport})
 */
public record UnlearningContext(long seed, TrainConfig original, TrainListener listener, Cancellation cancellation,
                                RunReport report) {

    public UnlearningContext {
        if (report == null) {
            report = new RunReport();
        }
    }

    /** A context with a fresh report. */
    public UnlearningContext(long seed, TrainConfig original, TrainListener listener, Cancellation cancellation) {
        this(seed, original, listener, cancellation, new RunReport());
    }

    public static UnlearningContext of(long seed, TrainConfig original) {
        return new UnlearningContext(seed, original, TrainListener.NONE, new Cancellation());
    }

    /** This context with a fresh, empty report (one per run). */
    public UnlearningContext withFreshReport() {
        return new UnlearningContext(seed, original, listener, cancellation, new RunReport());
    }

    /** The seed for one purpose of this run. */
    public long seed(String purpose) {
        return dev.lethe.core.seed.Seeds.derive(seed, purpose);
    }
}
