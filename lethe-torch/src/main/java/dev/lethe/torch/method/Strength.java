package dev.lethe.torch.method;

import java.util.List;

/**
 * A method's one knob of strength, and the values {@link StrengthCalibration} tries for it, weakest first: how a method
 * sets its strength from the data when the user sets nothing. Defaults tuned on one data set (the paper's, or digits)
 * do not carry over — SSD's selection threshold α picks nothing on one model and half the network on another — so a
 * method that declares a strength is calibrated on a held-out part of the forget/retain split before it runs.
 *
 * @param option the option key ({@code <method>.<field>}) the values are for
 * @param weakToStrong the candidate values as option text, from the weakest to the strongest
 * @param scalesUpdate whether the option is the method's {@link UpdateScale}: the candidates then share one training run
 *        (each is that run's weights moved back toward the original's), so a calibration trains once, not once per value
 * @param retry a second option whose values are tried in turn when no value of this one meets the bounds; null when the
 *        method has none
 */
public record Strength(String option, List<String> weakToStrong, boolean scalesUpdate, Retry retry) {

    public Strength {
        if (weakToStrong.isEmpty()) {
            throw new IllegalArgumentException(option + ": a strength needs at least one candidate value");
        }
        weakToStrong = List.copyOf(weakToStrong);
    }

    /** A knob that changes what the method does, each value its own run. */
    public Strength(String option, List<String> weakToStrong) {
        this(option, weakToStrong, false, null);
    }

    /** The share of its update that method {@code method} keeps ({@code <method>.updateScale}), the candidates of {@link UpdateScale}. */
    public static Strength updateScale(String method) {
        return new Strength(method + ".updateScale", UpdateScale.CANDIDATES, true, null);
    }

    /** This strength, searched again with {@code retryOption} at each of {@code retryValues} when it cannot meet the bounds ({@link Retry}). */
    public Strength retriedWith(String retryOption, List<String> retryValues) {
        return new Strength(option, weakToStrong, scalesUpdate, new Retry(retryOption, retryValues));
    }

    /**
     * What a calibration changes when no value of the strength meets the bounds at the method's own setting of another
     * option: the grid is searched again with that option at each of these values in turn, until one meets them and keeps
     * the kept records within half the allowance; when none does, the run falls back as it would have without the retry
     * ({@link StrengthCalibration}). An update scale only takes back part of an update, so what the update is made of must
     * change: kl's ascent weight, raised when its whole update keeps the rest and still leaves the class recognised;
     * undial's logit adjustment β, raised when the original's margin for the class is larger than β; amun's learning rate,
     * scrub's rounds of max-steps and rmu's epochs, raised when the update keeps the rest and leaves the class recognised;
     * noise's scale and prune-finetune's pruned share, lowered when the perturbation costs more than the repair after it
     * restores; ssd's importance, loss-free (and compared with the retain set) when the forget set's Fisher cannot single
     * out the class.
     *
     * @param option the option key changed ({@code <method>.<field>}); a user who sets it is not overruled
     * @param values the values tried, in order
     */
    public record Retry(String option, List<String> values) {
        public Retry {
            if (values.isEmpty()) {
                throw new IllegalArgumentException(option + ": a retry needs at least one value");
            }
            values = List.copyOf(values);
        }
    }
}
