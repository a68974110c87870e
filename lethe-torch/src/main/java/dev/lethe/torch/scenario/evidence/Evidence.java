package dev.lethe.torch.scenario.evidence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a probe measured: named figures (e.g. {@code test-acc}, {@code mia-auc}) and named curves for
 * the plots (e.g. {@code roc-loss}). Figure names are the columns of the report's tables; a probe
 * leaves out a figure it cannot compute rather than writing NaN.
 *
 * @param figures figure name → value, in the probe's order
 * @param curves curve name → curve
 */
public record Evidence(Map<String, Double> figures, Map<String, Curve> curves) {

    public Evidence {
        figures = new LinkedHashMap<>(figures);
        curves = new LinkedHashMap<>(curves);
        figures.forEach((name, value) -> {
            if (value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("figure " + name + " must be a finite number, got " + value);
            }
        });
    }

    /** No figures, no curves. */
    public static Evidence empty() {
        return new Evidence(Map.of(), Map.of());
    }

    /** This evidence and {@code other}'s; a name measured by both is refused (two probes must not claim one figure). */
    public Evidence and(Evidence other) {
        Map<String, Double> f = new LinkedHashMap<>(figures);
        other.figures.forEach((k, v) -> {
            if (f.put(k, v) != null) {
                throw new IllegalStateException("two probes produce the figure " + k);
            }
        });
        Map<String, Curve> c = new LinkedHashMap<>(curves);
        c.putAll(other.curves);
        return new Evidence(f, c);
    }
}
