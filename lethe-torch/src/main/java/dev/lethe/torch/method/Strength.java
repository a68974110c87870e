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
 * @param push a second knob raised when even the strongest value keeps the kept records and does not forget; null when
 *        the method has none
 */
public record Strength(String option, List<String> weakToStrong, boolean scalesUpdate, Push push) {

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

    /** This strength, with {@code push} raised when all of it is too weak ({@link Push}). */
    public Strength pushedBy(String pushOption, List<String> pushValues) {
        return new Strength(option, weakToStrong, scalesUpdate, new Push(pushOption, pushValues));
    }

    /**
     * What a calibration raises when the whole grid is too weak: every value keeps the kept records and none forgets. An
     * update scale only takes back part of the update, so when all of the update keeps the rest and leaves the class
     * recognised, no value of it can forget; the method's own push (kl's ascent weight) must be stronger. The calibration
     * then searches the grid again at each of these values in turn, stronger and stronger, and stops at the first that
     * meets both bounds, or when one starts to cost the kept records.
     *
     * @param option the option key raised ({@code <method>.<field>}); a user who sets it is not overruled
     * @param stronger the values tried, each stronger than the method's default and the one before
     */
    public record Push(String option, List<String> stronger) {
        public Push {
            if (stronger.isEmpty()) {
                throw new IllegalArgumentException(option + ": a push needs at least one stronger value");
            }
            stronger = List.copyOf(stronger);
        }
    }
}
