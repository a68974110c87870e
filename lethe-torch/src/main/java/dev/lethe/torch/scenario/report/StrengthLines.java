package dev.lethe.torch.scenario.report;

import dev.lethe.torch.method.StrengthCalibration;
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

    /**
     * The legend under {@link #TITLE}: the keeping bound the run's strengths were set with ({@code allowance}, a fraction of
     * accuracy: {@link ScenarioReport#keepWithin}) and what {@link #NOT_MET} means.
     */
    public static String legend(double allowance) {
        return "a value met its bounds when it took the forgotten records to their target and kept the kept records within "
                + StrengthCalibration.points(allowance)
                + " points of the original's accuracy (--keep-within); " + NOT_MET;
    }

    private StrengthLines() {
    }

    /** Row → its line, in the order of the results; rows without a calibrated run are absent. */
    public static Map<String, String> of(List<MethodResult> results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (MethodResult r : results) {
            Object fact = r.facts().get("calibration");
            List<?> perRequest = fact instanceof List<?> list ? list : Collections.singletonList(fact);
            for (int k = 0; k < perRequest.size(); k++) {
                if (perRequest.get(k) instanceof Map<?, ?> receipt) {
                    String run = "seed " + r.seed() + (fact instanceof List<?> ? " request " + (k + 1) : "");
                    rows.computeIfAbsent(r.method(), m -> new Row(String.valueOf(receipt.get("option")))).add(run, receipt);
                }
            }
        }
        Map<String, String> lines = new LinkedHashMap<>();
        rows.forEach((method, row) -> lines.put(method, row.line()));
        return lines;
    }

    /** One method's calibrated runs: its strength option, per run its value and whether it met the bounds, and the count met. */
    private static final class Row {
        private final String option;
        private final List<String> runs = new ArrayList<>();
        private int met;

        Row(String option) {
            this.option = option;
        }

        void add(String run, Map<?, ?> receipt) {
            boolean ok = Boolean.TRUE.equals(receipt.get("met"));
            met += ok ? 1 : 0;
            String retry = receipt.get("retryOption") == null ? "" : ", " + receipt.get("retryOption") + " = " + receipt.get("retryValue");
            runs.add(run + ": " + receipt.get("value") + retry + (ok ? "" : ", not met"));
        }

        String line() {
            return "`" + option + "`: met in " + met + " of " + runs.size() + " runs (" + String.join("; ", runs) + ")";
        }
    }
}
