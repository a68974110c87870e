package dev.lethe.torch.scenario.report;

import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.StepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a scenario run summarised over the seeds: for each row (original, retrain, each
 * method, SISA) and each figure, its {@link Stat}; the same per request for sequential scenarios.
 * Failed results are left out of the statistics (the report lists their errors).
 *
 * @param rows row → figure → statistics, rows in the order of the run
 * @param steps row → request (1-based) → figure → statistics; empty for one-shot scenarios
 * @param errors row → the distinct errors of its failed seeds
 */
public record Summary(Map<String, Map<String, Stat>> rows, Map<String, Map<Integer, Map<String, Stat>>> steps,
                      Map<String, List<String>> errors) {

    /** Summarises {@code results}. */
    public static Summary of(List<MethodResult> results) {
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        Map<String, Map<Integer, Map<String, List<Double>>>> stepValues = new LinkedHashMap<>();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (MethodResult r : results) {
            if (r.error() != null) {
                List<String> e = errors.computeIfAbsent(r.method(), k -> new ArrayList<>());
                if (!e.contains(r.error())) {
                    e.add(r.error());
                }
                continue;
            }
            Map<String, List<Double>> row = values.computeIfAbsent(r.method(), k -> new LinkedHashMap<>());
            r.figures().forEach((name, v) -> row.computeIfAbsent(name, k -> new ArrayList<>()).add(v));
            if (r.steps().size() > 1) {
                for (StepResult s : r.steps()) {
                    Map<String, List<Double>> step = stepValues.computeIfAbsent(r.method(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(s.step(), k -> new LinkedHashMap<>());
                    s.figures().forEach((name, v) -> step.computeIfAbsent(name, k -> new ArrayList<>()).add(v));
                    step.computeIfAbsent("cumulative-seconds", k -> new ArrayList<>()).add(s.cumulativeSeconds());
                }
            }
        }
        Map<String, Map<String, Stat>> rows = new LinkedHashMap<>();
        values.forEach((row, figures) -> rows.put(row, stats(figures)));
        Map<String, Map<Integer, Map<String, Stat>>> steps = new LinkedHashMap<>();
        stepValues.forEach((row, perStep) -> {
            Map<Integer, Map<String, Stat>> s = new LinkedHashMap<>();
            perStep.forEach((step, figures) -> s.put(step, stats(figures)));
            steps.put(row, s);
        });
        return new Summary(rows, steps, errors);
    }

    private static Map<String, Stat> stats(Map<String, List<Double>> figures) {
        Map<String, Stat> out = new LinkedHashMap<>();
        figures.forEach((name, list) -> out.put(name, Stat.of(list.stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    /** Whether any row has {@code figure}. */
    public boolean has(String figure) {
        return rows.values().stream().anyMatch(m -> m.containsKey(figure));
    }
}
