package dev.lethe.torch.eval.metric;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link UnlearningMetric} measured: named figures (e.g. {@code test-acc}, {@code mia-auc}) and
 * named curves for the plots (e.g. {@code roc-loss}). Figure names are the columns of the scenario
 * report's tables; a metric leaves out a figure it cannot compute rather than writing NaN.
 *
 * @param figures figure name → value, in the metric's order
 * @param curves curve name → curve
 */
public record MetricValues(Map<String, Double> figures, Map<String, Curve> curves) {

    public MetricValues {
        figures = new LinkedHashMap<>(figures);
        curves = new LinkedHashMap<>(curves);
        figures.forEach((name, value) -> {
            if (value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("figure " + name + " must be a finite number, got " + value);
            }
        });
    }

    /** The finite figures of {@code figures}, in their order, and no curves: a figure that came out NaN or infinite is left out. */
    public static MetricValues finite(Map<String, Double> figures) {
        Map<String, Double> f = new LinkedHashMap<>();
        figures.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) {
                f.put(name, value);
            }
        });
        return new MetricValues(f, Map.of());
    }

    /** No figures, no curves. */
    public static MetricValues empty() {
        return new MetricValues(Map.of(), Map.of());
    }

    /** This evidence and {@code other}'s; a name measured by both is refused (two metrics must not claim one figure). */
    public MetricValues and(MetricValues other) {
        Map<String, Double> f = new LinkedHashMap<>(figures);
        other.figures.forEach((k, v) -> {
            if (f.put(k, v) != null) {
                throw new IllegalStateException("two metrics produce the figure " + k);
            }
        });
        Map<String, Curve> c = new LinkedHashMap<>(curves);
        c.putAll(other.curves);
        return new MetricValues(f, c);
    }
}
