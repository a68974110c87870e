package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sets a method's {@link Strength} from the data when the user did not: a part of the retain set is held out, the method
 * runs once per candidate value (weakest first) on the forget set and the rest of the retain set, and the weakest value
 * that forgets the forget set while keeping the held-out retain records — or the next stronger one, when it passes too (a
 * margin: the value at the edge can fall back over it in the run on all of the data) — is the one the real run uses.
 *
 * <p>The trials see the whole forget set, so that they take as many steps as the real run (methods that train for epochs
 * over the forget set are weaker on a part of it: holding forget records out made RMU's trials pick a steering norm
 * twice what the real run needed). The bounds:
 * <ul>
 *   <li>forgetting: accuracy on the forget set at most the target plus {@value #FORGET_TOLERANCE}; the target is 0 when
 *       the forget set's classes are absent from the retain set (class forgetting: a model retrained without it never
 *       predicts it), and otherwise the original's accuracy on the validation records (a retrained model answers a
 *       forgotten record as it answers an unseen one). Without validation records, record forgetting is not calibrated
 *       (no target) and the defaults run;</li>
 *   <li>keeping: accuracy on the held-out retain records (at most {@value #RETAIN_HOLDOUT_MAX}, a fifth of the retain set
 *       when smaller) at most {@value #RETAIN_DROP} below the original's.</li>
 * </ul>
 * When one value of the grid is too weak and the next too strong, up to three values between them are tried. When no
 * candidate meets both, the one that forgets most while keeping the retain set is used (a model is never damaged
 * silently), or, when every candidate breaks the retain bound, the one closest to both; the report says the target was
 * missed ({@code met: false}). Only classification is calibrated; a language model's methods keep their defaults. The trial runs
 * use the run's own seed, so a calibrated run is as reproducible as any other; the report records every trial
 * ({@code <method>.calibration}).
 */
public final class StrengthCalibration {

    /** How far above the target the held-out forget accuracy may be. */
    static final double FORGET_TOLERANCE = 0.02;
    /** How far the held-out retain accuracy may fall below the original's. */
    static final double RETAIN_DROP = 0.02;
    /** At most this many retain records are held out (a fifth of them when fewer). */
    private static final int RETAIN_HOLDOUT_MAX = 1000;
    /** Midpoints tried between a too weak and a too strong neighbour of the grid. */
    private static final int REFINE_STEPS = 3;
    /** Below this many forget records an accuracy on them says too little to choose by. */
    private static final int MIN_FORGET = 8;

    private StrengthCalibration() {
    }

    /**
     * One candidate's trial.
     *
     * @param value the option value tried
     * @param forgetAccuracy accuracy on the forget set after the trial run
     * @param retainAccuracy accuracy on the held-out retain records after the trial run
     */
    public record Trial(String value, double forgetAccuracy, double retainAccuracy) {
    }

    /**
     * The outcome.
     *
     * @param option the option set
     * @param value the value chosen
     * @param met whether it meets both bounds (false: the closest candidate)
     * @param forgetTarget the forget accuracy aimed at
     * @param originalRetainAccuracy the original's accuracy on the held-out retain records
     * @param trials every trial, in the order run
     */
    public record Choice(String option, String value, boolean met, double forgetTarget, double originalRetainAccuracy,
                         List<Trial> trials) {

        /** What the run report keeps of it. */
        Map<String, Object> toReport() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("option", option);
            out.put("value", value);
            out.put("met", met);
            out.put("forgetTarget", forgetTarget);
            out.put("forgetTolerance", FORGET_TOLERANCE);
            out.put("originalRetainAccuracy", originalRetainAccuracy);
            out.put("retainDropMax", RETAIN_DROP);
            out.put("trials", trials);
            return out;
        }
    }

    /**
     * The value of {@code method}'s strength for this run: empty when the method has none, the user set it in
     * {@code overrides}, the data is not classification, the forget set is too small to judge on, or record
     * forgetting has no validation records to aim at.
     */
    public static Optional<Choice> choose(UnlearningMethod<?> method, Map<String, String> overrides, ModelHandle original,
                                          UnlearningData data, UnlearningContext context) {
        Optional<Strength> strength = method.strength();
        if (strength.isEmpty() || overrides.containsKey(strength.get().option()) || data.forget().size() < MIN_FORGET
                || !(Tasks.of(data.forget()) instanceof ClassificationTask)) {
            return Optional.empty();
        }
        boolean classForgetting = disjointLabels(data.forget(), data.retain());
        if (!classForgetting && (data.validation() == null || data.validation().size() == 0)) {
            return Optional.empty();
        }
        RecordSet forgetFit = data.forget();
        RecordSet forgetCheck = data.forget();
        RecordSet retain = RecordSamples.shuffled(data.retain(), 0, context.seed("calibration-retain"));
        int retainHeld = Math.min(RETAIN_HOLDOUT_MAX, Math.max(1, retain.size() / 5));
        RecordSet retainCheck = retain.filter("calibration-retain-check", i -> i < retainHeld);
        RecordSet retainFit = retain.filter("calibration-retain-fit", i -> i >= retainHeld);
        UnlearningData fit = new UnlearningData(forgetFit, retainFit, data.validation(), data.tokenizer());

        double originalRetain = accuracy(original, retainCheck);
        double target = classForgetting ? 0 : accuracy(original, data.validation());
        // the run's own seed: a trial draws what the real run draws (RMU's direction, every sample), so the value chosen is
        // judged on the run it is chosen for, not on another seed's luck
        UnlearningContext trialContext = new UnlearningContext(context.seed(), context.original(), context.listener(),
                context.cancellation(), new RunReport(), null);
        Optional<Prepared> prepared = UnlearningRun.prepare(method, overrides, original,
                RecordSet.concat("calibration-training", List.of(retainFit, forgetFit)), trialContext);
        try {
            UnlearningContext withState = trialContext.withPrepared(prepared.orElse(null));
            List<Trial> trials = new ArrayList<>();
            List<String> values = strength.get().weakToStrong();
            for (int i = 0; i < values.size(); i++) {
                Trial trial = trial(method, overrides, strength.get().option(), values.get(i), original, fit, forgetCheck, retainCheck, withState);
                trials.add(trial);
                if (meets(trial, target, originalRetain)) {
                    // the first value that passes sits at the edge: a run on all of the data can fall back over it. One step
                    // stronger, when that passes too, is the margin
                    String chosen = trial.value();
                    if (i + 1 < values.size()) {
                        Trial stronger = trial(method, overrides, strength.get().option(), values.get(i + 1), original, fit, forgetCheck,
                                retainCheck, withState);
                        trials.add(stronger);
                        if (meets(stronger, target, originalRetain)) {
                            chosen = stronger.value();
                        }
                    }
                    return Optional.of(new Choice(strength.get().option(), chosen, true, target, originalRetain, trials));
                }
            }
            Optional<Trial> between = refine(method, overrides, strength.get().option(), trials, target, originalRetain, original, fit,
                    forgetCheck, retainCheck, withState);
            if (between.isPresent()) {
                return Optional.of(new Choice(strength.get().option(), between.get().value(), true, target, originalRetain, trials));
            }
            return Optional.of(new Choice(strength.get().option(), fallback(trials, target, originalRetain).value(), false, target,
                    originalRetain, trials));
        } finally {
            prepared.ifPresent(Prepared::close);
        }
    }

    /**
     * When one value keeps the retain set but does not forget and the next stronger forgets but does not keep (a method
     * that turns from too weak to too strong within one step of the grid, as SSD's α does on a confident model), tries
     * values between them, numeric ones only: up to {@value #REFINE_STEPS} geometric midpoints. Adds every trial to
     * {@code trials}; returns the first that meets both bounds.
     */
    private static Optional<Trial> refine(UnlearningMethod<?> method, Map<String, String> overrides, String option, List<Trial> trials,
                                          double target, double originalRetain, ModelHandle original, UnlearningData fit,
                                          RecordSet forgetCheck, RecordSet retainCheck, UnlearningContext context) {
        Trial weak = null;
        Trial strong = null;
        for (int i = 0; i + 1 < trials.size(); i++) {
            if (keeps(trials.get(i), originalRetain) && forgets(trials.get(i + 1), target)) {
                weak = trials.get(i);
                strong = trials.get(i + 1);
                break;
            }
        }
        if (weak == null || !isPositiveNumber(weak.value()) || !isPositiveNumber(strong.value())) {
            return Optional.empty();
        }
        for (int step = 0; step < REFINE_STEPS; step++) {
            double mid = Math.sqrt(Double.parseDouble(weak.value()) * Double.parseDouble(strong.value()));
            Trial t = trial(method, overrides, option, String.format(java.util.Locale.ROOT, "%.4g", mid), original, fit, forgetCheck,
                    retainCheck, context);
            trials.add(t);
            if (meets(t, target, originalRetain)) {
                return Optional.of(t);
            }
            if (forgets(t, target)) {
                strong = t;
            } else if (keeps(t, originalRetain)) {
                weak = t;
            } else {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean isPositiveNumber(String value) {
        try {
            return Double.parseDouble(value) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Trial trial(UnlearningMethod<?> method, Map<String, String> overrides, String option, String value, ModelHandle original,
                               UnlearningData fit, RecordSet forgetCheck, RecordSet retainCheck, UnlearningContext context) {
        Map<String, String> tried = new HashMap<>(overrides);
        tried.put(option, value);
        try (ModelHandle model = unlearn(method, tried, original, fit, context.withFreshReport())) {
            return new Trial(value, accuracy(model, forgetCheck), accuracy(model, retainCheck));
        }
    }

    private static <O extends Record> ModelHandle unlearn(UnlearningMethod<O> method, Map<String, String> overrides, ModelHandle original,
                                                         UnlearningData data, UnlearningContext context) {
        return method.unlearn(original, data, context, MethodOptions.parse(method, overrides));
    }

    private static boolean meets(Trial t, double target, double originalRetain) {
        return forgets(t, target) && keeps(t, originalRetain);
    }

    private static boolean forgets(Trial t, double target) {
        return t.forgetAccuracy() <= target + FORGET_TOLERANCE;
    }

    private static boolean keeps(Trial t, double originalRetain) {
        return originalRetain - t.retainAccuracy() <= RETAIN_DROP;
    }

    /**
     * No value met both bounds: the one that forgets most among those that keep the retain set (the model is never damaged
     * silently), or — when every value breaks the retain bound — the one closest to both.
     */
    private static Trial fallback(List<Trial> trials, double target, double originalRetain) {
        Trial best = null;
        for (Trial t : trials) {
            if (keeps(t, originalRetain) && (best == null || t.forgetAccuracy() < best.forgetAccuracy())) {
                best = t;
            }
        }
        if (best != null) {
            return best;
        }
        Trial closest = trials.get(0);
        for (Trial t : trials) {
            if (shortfall(t, target, originalRetain) < shortfall(closest, target, originalRetain)) {
                closest = t;
            }
        }
        return closest;
    }

    private static double shortfall(Trial t, double target, double originalRetain) {
        return Math.max(0, t.forgetAccuracy() - target - FORGET_TOLERANCE) + Math.max(0, originalRetain - t.retainAccuracy() - RETAIN_DROP);
    }

    /** Whether no class of {@code forget} occurs in {@code retain}: class forgetting. */
    static boolean disjointLabels(RecordSet forget, RecordSet retain) {
        Set<Integer> forgotten = Arrays.stream(forget.labels()).boxed().collect(Collectors.toSet());
        return Arrays.stream(retain.labels()).noneMatch(forgotten::contains);
    }

    private static double accuracy(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().evaluate(model, data).accuracy();
        }
    }
}
