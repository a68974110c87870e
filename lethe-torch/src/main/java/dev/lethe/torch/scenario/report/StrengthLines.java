package dev.lethe.torch.scenario.report;

import dev.lethe.torch.scenario.bench.MethodResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line per method whose strength was set from the data: the option, at how many seeds (requests, in a sequential
 * run) the value found met its bounds, and each seed's value. Why: a calibrated run that found no value keeps the model
 * and says {@code met: false}; in the summary table such a row looks like a method that failed to forget, and the line
 * tells the two apart. Read from each result's {@code facts.calibration} ({@code ScenarioBench}).
 */
public final class StrengthLines {

    /** The heading of the lines. */
    public static final String TITLE = "Strengths set from the data";
    /** What "not met" in a line means. */
    public static final String NOT_MET = "not met: no value met both bounds, and the run used the one that forgot most while keeping "
            + "the kept records, or, when none kept them, the one that cost them least";

    private StrengthLines() {
    }

    /** Row → its line, in the order of the results; rows without a calibrated run are absent. */
    public static Map<String, String> of(List<MethodResult> results) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, int[]> metOfRuns = new LinkedHashMap<>();
        for (MethodResult r : results) {
            Object fact = r.facts().get("calibration");
            List<?> perRequest = fact instanceof List<?> list ? list : Collections.singletonList(fact);
            for (int k = 0; k < perRequest.size(); k++) {
                if (!(perRequest.get(k) instanceof Map<?, ?> receipt)) {
                    continue;
                }
                String run = "seed " + r.seed() + (fact instanceof List<?> ? " request " + (k + 1) : "");
                options.putIfAbsent(r.method(), String.valueOf(receipt.get("option")));
                boolean met = Boolean.TRUE.equals(receipt.get("met"));
                int[] counts = metOfRuns.computeIfAbsent(r.method(), m -> new int[2]);
                counts[0] += met ? 1 : 0;
                counts[1]++;
                String retry = receipt.get("retryOption") == null ? "" : ", " + receipt.get("retryOption") + " = " + receipt.get("retryValue");
                values.computeIfAbsent(r.method(), m -> new ArrayList<>())
                        .add(run + ": " + receipt.get("value") + retry + (met ? "" : ", not met"));
            }
        }
        Map<String, String> lines = new LinkedHashMap<>();
        values.forEach((row, list) -> {
            int[] counts = metOfRuns.get(row);
            lines.put(row, "`" + options.get(row) + "`: met in " + counts[0] + " of " + counts[1] + " runs (" + String.join("; ", list) + ")");
        });
        return lines;
    }
}
