package dev.lethe.torch.scenario.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's Markdown: one row per method with the headline figures as {@code mean ± std} over the
 * seeds (4 decimals; seconds with 2), a second such table of the evidence beyond accuracy, and for sequential scenarios a table of test accuracy, forget
 * accuracy, drift and cumulative seconds after each request. Each method whose strength was set from the data gets a line
 * with its values and whether they met the bounds ({@link StrengthLines}); failed methods are listed with their error.
 */
public final class MarkdownTables {

    private MarkdownTables() {
    }

    /** The whole Markdown report. */
    public static String of(ScenarioReport report) {
        StringBuilder md = new StringBuilder();
        md.append(summaryTable(report));
        if (!report.evidenceColumns().isEmpty()) {
            md.append('\n').append(evidenceTable(report));
        }
        if (!report.summary().steps().isEmpty()) {
            md.append('\n').append(stepTable(report.summary()));
        }
        Map<String, String> strengths = StrengthLines.of(report.results());
        if (!strengths.isEmpty()) {
            md.append('\n').append(StrengthLines.TITLE).append(" (").append(StrengthLines.legend(report.keepWithin())).append("):\n\n");
            strengths.forEach((row, line) -> md.append("- **").append(row).append("** ").append(line).append('\n'));
        }
        report.summary().errors().forEach((row, errors) -> md.append('\n').append("- **").append(row).append("** refused or failed: ")
                .append(String.join("; ", errors)).append('\n'));
        return md.toString();
    }

    /** One row per method: the headline figures, mean ± std over the seeds. */
    public static String summaryTable(ScenarioReport report) {
        return table(report, report.columns());
    }

    /** One row per method: the evidence beyond accuracy ({@link ScenarioReport#EVIDENCE}), mean ± std over the seeds. */
    public static String evidenceTable(ScenarioReport report) {
        return table(report, report.evidenceColumns());
    }

    private static String table(ScenarioReport report, List<String> columns) {
        StringBuilder md = new StringBuilder("| method | seeds |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(columns.size())).append('\n');
        report.summary().rows().forEach((row, stats) -> {
            int n = stats.values().stream().mapToInt(Stat::n).max().orElse(0);
            md.append("| ").append(row).append(" | ").append(n).append(" |");
            for (String c : columns) {
                Stat s = stats.get(c);
                md.append(' ').append(s == null ? "–" : format(c, s)).append(" |");
            }
            md.append('\n');
        });
        return md.toString();
    }

    /** For sequential scenarios: after each request, per method. */
    public static String stepTable(Summary summary) {
        List<String> figures = List.of("test-acc", "forget-acc", "test-acc-drift", "avg-gap", "cumulative-seconds");
        StringBuilder md = new StringBuilder("| method | request |");
        figures.forEach(f -> md.append(' ').append(f).append(" |"));
        md.append("\n|---|---|").append("---|".repeat(figures.size())).append('\n');
        summary.steps().forEach((row, steps) -> steps.forEach((step, stats) -> {
            md.append("| ").append(row).append(" | ").append(step).append(" |");
            for (String f : figures) {
                Stat s = stats.get(f);
                md.append(' ').append(s == null ? "–" : format(f, s)).append(" |");
            }
            md.append('\n');
        }));
        return md.toString();
    }

    /** {@code mean ± std}: seconds with 2 decimals, everything else with 4. */
    public static String format(String figure, Stat s) {
        String pattern = figure.contains("seconds") ? "%.2f ± %.2f" : "%.4f ± %.4f";
        return String.format(Locale.ROOT, pattern, s.mean(), s.std());
    }

    /** The decimals {@link #format} uses for {@code figure}: what a reader of the table can compare to. */
    public static int decimals(String figure) {
        return figure.contains("seconds") ? 2 : 4;
    }
}
