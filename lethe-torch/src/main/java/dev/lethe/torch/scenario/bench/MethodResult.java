package dev.lethe.torch.scenario.bench;

import dev.lethe.torch.eval.metric.Curve;

import java.util.List;
import java.util.Map;

/**
 * One (seed, method) of a scenario run: what the report tables and plots are made of, written to the
 * output folder as soon as it is finished so that a rerun can skip it.
 *
 * @param seed the run seed
 * @param method the method id, or {@code original} (before unlearning) or {@code sisa} (exact forgetting in a SISA ensemble)
 * @param seconds wall time: training for {@code original}, every request together otherwise
 * @param figures the figures after the last request, with {@code seconds} and {@code retrain-share}
 *                (seconds / retrain's seconds for the same seed)
 * @param curves the curves after the last request (e.g. the loss attack's ROC)
 * @param steps the figures after each request
 * @param facts what else is worth recording (e.g. SISA's training time; a calibrated method's {@code calibration}: the value
 *        used, whether it met the bounds, the fallback and any retry, per request of a sequential run)
 * @param error why the method refused or failed, or {@code null}; the figures are then empty
 */
public record MethodResult(long seed, String method, double seconds, Map<String, Double> figures, Map<String, Curve> curves,
                           List<StepResult> steps, Map<String, Object> facts, String error) {

    /** The row of the model before unlearning. */
    public static final String ORIGINAL = "original";
    /** The row of exact forgetting in a SISA ensemble. */
    public static final String SISA = "sisa";

    /** A method that refused or failed. */
    public static MethodResult failed(long seed, String method, String error) {
        return new MethodResult(seed, method, Double.NaN, Map.of(), Map.of(), List.of(), Map.of(), error);
    }
}
