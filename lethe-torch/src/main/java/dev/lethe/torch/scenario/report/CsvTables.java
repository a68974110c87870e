package dev.lethe.torch.scenario.report;

import dev.lethe.torch.scenario.bench.MethodResult;
import dev.lethe.torch.scenario.bench.StepResult;

import java.util.List;

/**
 * The report's CSV, in long form so that any figure fits: {@code results.csv} has
 * {@code seed,method,figure,value} for every final figure of every successful result, and
 * {@code steps.csv} has {@code seed,method,request,figure,value} for each request of a sequential
 * scenario. Values are Java's shortest exact decimal form, so they parse back to the JSON's numbers.
 */
public final class CsvTables {

    private CsvTables() {
    }

    public static String results(List<MethodResult> results) {
        StringBuilder csv = new StringBuilder("seed,method,figure,value\n");
        for (MethodResult r : results) {
            r.figures().forEach((name, v) -> csv.append(r.seed()).append(',').append(quoted(r.method())).append(',').append(quoted(name))
                    .append(',').append(v).append('\n'));
        }
        return csv.toString();
    }

    public static String steps(List<MethodResult> results) {
        StringBuilder csv = new StringBuilder("seed,method,request,figure,value\n");
        for (MethodResult r : results) {
            for (StepResult s : r.steps()) {
                s.figures().forEach((name, v) -> csv.append(r.seed()).append(',').append(quoted(r.method())).append(',').append(s.step())
                        .append(',').append(quoted(name)).append(',').append(v).append('\n'));
                csv.append(r.seed()).append(',').append(quoted(r.method())).append(',').append(s.step()).append(",cumulative-seconds,")
                        .append(s.cumulativeSeconds()).append('\n');
            }
        }
        return csv.toString();
    }

    /** A field, quoted when it holds a comma or a quote (RFC 4180). */
    public static String quoted(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }
}
