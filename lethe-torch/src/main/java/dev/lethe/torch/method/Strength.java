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
 */
public record Strength(String option, List<String> weakToStrong, boolean scalesUpdate) {

    public Strength {
        if (weakToStrong.isEmpty()) {
            throw new IllegalArgumentException(option + ": a strength needs at least one candidate value");
        }
        weakToStrong = List.copyOf(weakToStrong);
    }

    /** A knob that changes what the method does, each value its own run. */
    public Strength(String option, List<String> weakToStrong) {
        this(option, weakToStrong, false);
    }

    /** The share of its update that method {@code method} keeps ({@code <method>.updateScale}), the candidates of {@link UpdateScale}. */
    public static Strength updateScale(String method) {
        return new Strength(method + ".updateScale", UpdateScale.CANDIDATES, true);
    }
}
