package dev.lethe.torch.method;

import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.util.Optional;

/**
 * How an unlearning run happens: the seed every draw derives from, the original model's training
 * configuration (batch size, optimizer and epochs that {@code retrain} and the fine-tuning phases
 * start from), progress and cancellation, the {@link RunReport} a method records figures of the
 * run in (what {@link UnlearningRun#report()} returns), and optionally what a method
 * {@linkplain UnlearningMethod#prepare prepared} for the original model, and how much accuracy of the kept records a
 * strength set from the data may cost ({@link StrengthCalibration}). The device is the model's.
 *
 * @param seed run seed
 * @param original how the original model was trained
 * @param listener progress of every training phase
 * @param cancellation stops the run at the next step
 * @param report where the method records figures of this run (see {@link RunReport})
 * @param prepared state precomputed for the original model by one method, or null
 * @param keepWithin the request's keeping allowance: how far below the original's the accuracy of the kept records may
 *        fall under a strength set from the data, as a fraction (0.02: 2 points; {@link StrengthCalibration#RETAIN_DROP}
 *        unless the request says otherwise)
 */
public record UnlearningContext(long seed, TrainConfig original, TrainListener listener, Cancellation cancellation,
                                RunReport report, Prepared prepared, double keepWithin) {

    public UnlearningContext {
        if (report == null) {
            report = new RunReport();
        }
        requireAllowance(keepWithin);
    }

    /** A context with a fresh report, nothing prepared and the default keeping allowance. */
    public UnlearningContext(long seed, TrainConfig original, TrainListener listener, Cancellation cancellation) {
        this(seed, original, listener, cancellation, new RunReport(), null, StrengthCalibration.RETAIN_DROP);
    }

    /**
     * Refuses a keeping allowance that is not a fraction strictly between 0 and 1: 0 would refuse every value (a trial's
     * accuracy on a few hundred records moves by a record either way), 1 or more would refuse none.
     */
    public static void requireAllowance(double keepWithin) {
        if (!(keepWithin > 0 && keepWithin < 1)) {
            throw new IllegalArgumentException("the keeping allowance must be a fraction of accuracy between 0 and 1 (0.02 is 2 points,"
                    + " the default), got " + keepWithin);
        }
    }

    public static UnlearningContext of(long seed, TrainConfig original) {
        return new UnlearningContext(seed, original, TrainListener.NONE, new Cancellation());
    }

    /** This context with a fresh, empty report (one per run). */
    public UnlearningContext withFreshReport() {
        return new UnlearningContext(seed, original, listener, cancellation, new RunReport(), prepared, keepWithin);
    }

    /** This context carrying {@code state} (null for none). */
    public UnlearningContext withPrepared(Prepared state) {
        return new UnlearningContext(seed, original, listener, cancellation, report, state, keepWithin);
    }

    /** This context with the keeping allowance {@code allowance} (a fraction of accuracy, see {@link #keepWithin}). */
    public UnlearningContext withKeepWithin(double allowance) {
        return new UnlearningContext(seed, original, listener, cancellation, report, prepared, allowance);
    }

    /**
     * The state {@code method} prepared for {@code model}, if this context carries it. State that
     * {@code method} prepared for another model is refused: using it would unlearn with the wrong
     * model's figures.
     */
    public <T extends Prepared> Optional<T> prepared(String method, ModelHandle model, Class<T> type) {
        if (prepared == null || !prepared.method().equals(method)) {
            return Optional.empty();
        }
        if (prepared.model() != model) {
            throw new IllegalArgumentException(method + ": the prepared state was computed for another model; prepare it for this one");
        }
        return Optional.of(type.cast(prepared));
    }

    /** The seed for one purpose of this run. */
    public long seed(String purpose) {
        return dev.lethe.core.seed.Seeds.derive(seed, purpose);
    }
}
