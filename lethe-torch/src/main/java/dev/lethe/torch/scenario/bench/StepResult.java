package dev.lethe.torch.scenario.bench;

import java.util.Map;

/**
 * The figures after one request of a scenario (the only one, in a one-shot scenario).
 *
 * @param step 1-based request number
 * @param forgotten records forgotten so far
 * @param seconds wall time of this request
 * @param cumulativeSeconds wall time of requests 1..step
 * @param figures the probes' figures, the gaps to the reference of this step, and {@code test-acc-drift}
 *                (test accuracy minus the original model's)
 */
public record StepResult(int step, int forgotten, double seconds, double cumulativeSeconds, Map<String, Double> figures) {
}
