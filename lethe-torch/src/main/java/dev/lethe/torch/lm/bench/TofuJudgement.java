package dev.lethe.torch.lm.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a TOFU table allows one to conclude, in words, as issue 22 asks before any ranking:
 * <ul>
 *   <li><b>Discrimination.</b> The model trained on everything still knows the forget authors, so its forget
 *       quality (KS p-value against the retain model, TOFU) must be below {@value #P_THRESHOLD}. Where it is not,
 *       the evaluation cannot tell a model that knows from one that never saw the data, and methods are not ranked.</li>
 *   <li><b>Noise floor.</b> The second retain-only model's forget quality against the first: two exact retrains
 *       should be indistinguishable (p ≥ {@value #P_THRESHOLD}); where they are not, say so.</li>
 *   <li><b>Best method.</b> Issue 13's criterion: forget quality ≥ {@value #P_THRESHOLD} with model utility ≥
 *       {@value #UTILITY_SHARE} × the retain model's. Among the methods that meet it, the one with the highest
 *       forget quality wins (ties: higher model utility, then table order); or the statement says none met it.</li>
 *   <li><b>Time.</b> Which methods took longer than the target of {@value #TARGET_SECONDS} s to unlearn.</li>
 * </ul>
 *
 * @param discriminates whether the full model's forget quality is below {@value #P_THRESHOLD}
 * @param discrimination the discrimination statement
 * @param noiseFloor the noise-floor statement
 * @param best the best method by the criterion, or {@code null} (none met it, or the evaluation does not discriminate)
 * @param verdict the best-method statement
 * @param timing the statement on the methods' unlearning time against {@value #TARGET_SECONDS} s
 */
public record TofuJudgement(boolean discriminates, String discrimination, String noiseFloor, String best, String verdict, String timing) {

    /** The significance level of the forget-quality test. */
    public static final double P_THRESHOLD = 0.05;
    /** The share of the retain model's utility a method must keep. */
    public static final double UTILITY_SHARE = 0.9;
    /** Issue 13's target for one method's unlearning wall time, in seconds. */
    public static final double TARGET_SECONDS = 60;

    /** Judges a table whose rows include the reference rows. */
    public static TofuJudgement of(List<TofuRow> rows) {
        Double fullQuality = figure(rows, TofuRow.FULL, TofuRow.FORGET_QUALITY);
        boolean discriminates = fullQuality != null && fullQuality < P_THRESHOLD;
        String discrimination;
        if (fullQuality == null) {
            discrimination = "Whether this evaluation discriminates is unknown: the forget quality of the model trained on everything "
                    + "was not computed. Methods are not ranked.";
        } else if (discriminates) {
            discrimination = "The evaluation discriminates: the model trained on everything, which has seen the forget authors, gets "
                    + "forget quality " + p(fullQuality) + " < " + P_THRESHOLD + " against the retain-only model.";
        } else {
            discrimination = "The evaluation does not discriminate: the model trained on everything still gets forget quality "
                    + p(fullQuality) + " ≥ " + P_THRESHOLD + " against the retain-only model, so it cannot tell a model that knows the "
                    + "forget authors from one that never saw them, and a method's forget quality here says nothing about forgetting. "
                    + "Methods are not ranked. Train the reference models until they memorise their answers (more --epochs).";
        }
        Double floor = figure(rows, TofuRow.NOISE_FLOOR, TofuRow.FORGET_QUALITY);
        String noiseFloor;
        if (floor == null) {
            noiseFloor = "The noise floor was not measured: the second retain-only model has no forget quality.";
        } else if (floor >= P_THRESHOLD) {
            noiseFloor = "Noise floor: two exact retrains (seeds A and B) get forget quality " + p(floor) + " against each other.";
        } else {
            noiseFloor = "Noise floor: even two exact retrains (seeds A and B) are told apart (forget quality " + p(floor) + " < "
                    + P_THRESHOLD + "), so a method's low forget quality may be training noise rather than remembered data.";
        }
        Double retainUtility = figure(rows, TofuRow.RETAIN, TofuRow.MODEL_UTILITY);
        String best = null;
        String verdict;
        if (!discriminates) {
            verdict = "No best method is named: the evaluation does not discriminate.";
        } else if (retainUtility == null) {
            verdict = "No best method is named: the retain model's model utility was not computed.";
        } else {
            double floorUtility = UTILITY_SHARE * retainUtility;
            Optional<TofuRow> winner = rows.stream()
                    .filter(r -> r.role() == TofuRow.Role.METHOD && r.succeeded())
                    .filter(r -> meets(r, floorUtility))
                    .max(Comparator.comparingDouble((TofuRow r) -> r.figure(TofuRow.FORGET_QUALITY))
                            .thenComparingDouble(r -> r.figure(TofuRow.MODEL_UTILITY))
                            .thenComparing(r -> -rows.indexOf(r)));
            String criterion = "forget quality ≥ " + P_THRESHOLD + " with model utility ≥ " + UTILITY_SHARE + " × the retain model's "
                    + fixed(retainUtility) + " = " + fixed(floorUtility);
            if (winner.isPresent()) {
                TofuRow w = winner.get();
                best = w.name();
                verdict = "Best method by the criterion (" + criterion + "): " + best + ", forget quality " + p(w.figure(TofuRow.FORGET_QUALITY))
                        + ", model utility " + fixed(w.figure(TofuRow.MODEL_UTILITY)) + ".";
            } else {
                verdict = "No method reached the criterion (" + criterion + ").";
            }
        }
        return new TofuJudgement(discriminates, discrimination, noiseFloor, best, verdict, timing(rows));
    }

    private static String timing(List<TofuRow> rows) {
        List<TofuRow> timed = rows.stream().filter(r -> r.role() == TofuRow.Role.METHOD && r.figure(TofuRow.SECONDS) != null).toList();
        if (timed.isEmpty()) {
            return "No method was timed.";
        }
        List<String> slow = timed.stream().filter(r -> r.figure(TofuRow.SECONDS) > TARGET_SECONDS)
                .map(r -> r.name() + " (" + String.format(Locale.ROOT, "%.1f", r.figure(TofuRow.SECONDS)) + " s)").toList();
        return slow.isEmpty() ? "Every method unlearned within the " + (int) TARGET_SECONDS + " s target."
                : "Over the " + (int) TARGET_SECONDS + " s target: " + String.join(", ", slow) + ".";
    }

    private static boolean meets(TofuRow r, double floorUtility) {
        Double quality = r.figure(TofuRow.FORGET_QUALITY);
        Double utility = r.figure(TofuRow.MODEL_UTILITY);
        return quality != null && utility != null && quality >= P_THRESHOLD && utility >= floorUtility;
    }

    private static Double figure(List<TofuRow> rows, String name, String figure) {
        return rows.stream().filter(r -> r.name().equals(name) && r.succeeded()).findFirst().map(r -> r.figure(figure)).orElse(null);
    }

    /** A p-value with three significant digits (1.86e-23, 0.00130, 0.990). */
    static String p(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
