package dev.lethe.torch.lm.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether an unlearning method removed the forget set from the weights or only suppressed it in the
 * outputs, judged from the probes' figures for the method's model beside the same figures for the
 * retain-only reference (a model that never saw the forget set), and optionally a second retain-only
 * model from another seed that measures how far two exact retrains lie apart.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>No output figure (forget ROUGE) → {@link Kind#INCONCLUSIVE}.</li>
 *   <li>The outputs still show the forget set (forget ROUGE above the reference's by more than the
 *       margin) → {@link Kind#RETAINED}: nothing was forgotten, there is no line to place.</li>
 *   <li>Any probe above the reference's by more than its margin — teacher-forced answer probability,
 *       paraphrased answer probability or ROUGE, the answer probability after the relearning attack, the
 *       hidden-state probe's accuracy — → {@link Kind#SUPPRESSED}, naming each probe that found it.</li>
 *   <li>Otherwise {@link Kind#REMOVED}, provided the two probes that look into the weights (relearning
 *       and the hidden-state probe) were both measured; if not, {@link Kind#INCONCLUSIVE}.</li>
 * </ol>
 *
 * <p>Margins ({@link Margins#defaults()}): 0.10 on probabilities and ROUGE, 0.15 on probe accuracy. On
 * TOFU forget01 at this project's scale, a model that still knows and the retain model lie 0.99 apart
 * in answer probability and 0.9 in ROUGE-L (issue 22's measurement), so 0.10 is far from both ends; two
 * retrains from different seeds agree within a few hundredths, and a probe scored on about 20 held-out
 * items has a binomial standard error near 0.1 at accuracy ½, so its margin is wider. With a second
 * reference, each margin widens to three times the distance between the two references when that is
 * larger: the seed noise the data shows wins over the default.
 */
public record RemovalVerdict(Kind kind, String explanation, List<String> findings) {

    /** Which side of the line a method lands on. */
    public enum Kind {
        /** The probes find no more of the forget set than in a model that never saw it. */
        REMOVED,
        /** The outputs look forgotten, but at least one probe still finds the forget set in the weights. */
        SUPPRESSED,
        /** The outputs themselves still show the forget set. */
        RETAINED,
        /** Not enough was measured to tell. */
        INCONCLUSIVE
    }

    /**
     * The figures of one model; NaN where a figure was not measured.
     *
     * @param forgetRouge the mean ROUGE-L recall of the greedy answers to the forget questions (through the model's answerer)
     * @param forgetProbability the forget answers' mean teacher-forced probability
     * @param paraphrasedProbability the same after the paraphrased questions ({@link ParaphraseAttack})
     * @param paraphrasedRouge the ROUGE of the answers to the paraphrased questions
     * @param relearnedProbability the held-out forget answers' probability after the {@link RelearningAttack}
     * @param probeAccuracy the {@link HiddenStateProbe}'s held-out accuracy
     */
    public record Evidence(double forgetRouge, double forgetProbability, double paraphrasedProbability, double paraphrasedRouge,
                           double relearnedProbability, double probeAccuracy) {

        /** The figures the attacks and probes produced (any of them may be null: not measured). */
        public static Evidence of(OutputFigures forget, ParaphraseAttack.Result paraphrase, RelearningAttack.Result relearning,
                                  HiddenStateProbe.Result probe) {
            return new Evidence(forget == null ? Double.NaN : forget.rouge(),
                    forget == null ? Double.NaN : forget.answerProbability(),
                    paraphrase == null ? Double.NaN : paraphrase.paraphrased().answerProbability(),
                    paraphrase == null ? Double.NaN : paraphrase.paraphrased().rouge(),
                    relearning == null ? Double.NaN : relearning.after().answerProbability(),
                    probe == null ? Double.NaN : probe.testAccuracy());
        }
    }

    /**
     * How far above the reference a figure must lie to count as a finding.
     *
     * @param output the margin on probabilities and ROUGE
     * @param probe the margin on the hidden-state probe's accuracy
     */
    public record Margins(double output, double probe) {

        public Margins {
            if (!(output >= 0) || !(probe >= 0)) {
                throw new IllegalArgumentException("margins must be numbers >= 0, got " + output + " and " + probe);
            }
        }

        /** 0.10 on probabilities and ROUGE, 0.15 on probe accuracy (see the class comment for why). */
        public static Margins defaults() {
            return new Margins(0.10, 0.15);
        }
    }

    public RemovalVerdict {
        findings = List.copyOf(findings);
    }

    /** The verdict for {@code method} against {@code reference}, with the default margins and no second reference. */
    public static RemovalVerdict judge(Evidence method, Evidence reference) {
        return judge(method, reference, null, Margins.defaults());
    }

    /**
     * The verdict for {@code method} against {@code reference}; {@code secondReference} (another
     * retain-only seed, may be null) widens each margin to three times the two references' distance.
     */
    public static RemovalVerdict judge(Evidence method, Evidence reference, Evidence secondReference, Margins margins) {
        double outputMargin = margin(margins.output(), reference.forgetRouge(), secondReference == null ? Double.NaN : secondReference.forgetRouge());
        if (Double.isNaN(method.forgetRouge()) || Double.isNaN(reference.forgetRouge())) {
            return new RemovalVerdict(Kind.INCONCLUSIVE, "inconclusive: the forget ROUGE of the method or of the retain model was not measured, "
                    + "so there is no output to judge", List.of());
        }
        if (method.forgetRouge() - reference.forgetRouge() > outputMargin) {
            return new RemovalVerdict(Kind.RETAINED, String.format(Locale.ROOT,
                    "retained: the outputs still show the forget set (forget ROUGE-L %.3f vs the retain model's %.3f)",
                    method.forgetRouge(), reference.forgetRouge()), List.of());
        }
        List<String> findings = new ArrayList<>();
        double probe = margins.probe();
        double out = margins.output();
        check(findings, "the answers' teacher-forced probability", method.forgetProbability(), reference.forgetProbability(),
                secondReference == null ? Double.NaN : secondReference.forgetProbability(), out);
        check(findings, "the answer probability after paraphrased questions", method.paraphrasedProbability(),
                reference.paraphrasedProbability(), secondReference == null ? Double.NaN : secondReference.paraphrasedProbability(), out);
        check(findings, "the ROUGE-L of the answers to paraphrased questions", method.paraphrasedRouge(), reference.paraphrasedRouge(),
                secondReference == null ? Double.NaN : secondReference.paraphrasedRouge(), out);
        check(findings, "the held-out answer probability after the relearning attack", method.relearnedProbability(),
                reference.relearnedProbability(), secondReference == null ? Double.NaN : secondReference.relearnedProbability(), out);
        check(findings, "the hidden-state probe's accuracy", method.probeAccuracy(), reference.probeAccuracy(),
                secondReference == null ? Double.NaN : secondReference.probeAccuracy(), probe);
        String outputs = String.format(Locale.ROOT, "the outputs look forgotten (forget ROUGE-L %.3f vs the retain model's %.3f)",
                method.forgetRouge(), reference.forgetRouge());
        if (!findings.isEmpty()) {
            return new RemovalVerdict(Kind.SUPPRESSED, "suppression: " + outputs + ", but the weights still hold the forget set: "
                    + String.join("; ", findings), findings);
        }
        boolean weightsProbed = measured(method.relearnedProbability(), reference.relearnedProbability())
                && measured(method.probeAccuracy(), reference.probeAccuracy());
        if (!weightsProbed) {
            return new RemovalVerdict(Kind.INCONCLUSIVE, "inconclusive: " + outputs + " and no probe found the forget set, but the "
                    + "relearning attack and the hidden-state probe were not both measured, so the weights were not looked into", List.of());
        }
        return new RemovalVerdict(Kind.REMOVED, "removal: " + outputs + ", and neither the probabilities, the paraphrases, "
                + "the relearning attack nor the hidden-state probe find more of it than in the retain model", List.of());
    }

    private static void check(List<String> findings, String what, double method, double reference, double secondReference, double margin) {
        if (!measured(method, reference)) {
            return;
        }
        double allowed = margin(margin, reference, secondReference);
        if (method - reference > allowed) {
            findings.add(String.format(Locale.ROOT, "%s is %.3f (retain model: %.3f, margin %.3f)", what, method, reference, allowed));
        }
    }

    /** The margin, widened to three times the two references' distance where a second reference was measured. */
    private static double margin(double base, double reference, double secondReference) {
        return Double.isNaN(secondReference) || Double.isNaN(reference) ? base : Math.max(base, 3 * Math.abs(reference - secondReference));
    }

    private static boolean measured(double a, double b) {
        return !Double.isNaN(a) && !Double.isNaN(b);
    }
}
