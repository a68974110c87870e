package dev.lethe.torch.lm.bench;

import dev.lethe.torch.scenario.report.CsvTables;

import java.util.List;
import java.util.Locale;

/**
 * The TOFU report as text: {@code report.csv} (one line per row, every figure as a column, values in Java's
 * shortest exact decimal form so they parse back to the JSON's numbers) and {@code report.md} (the
 * judgement's statements, then the headline table; forget quality with three significant digits, since it
 * spans hundreds of decades, PrivLeak and seconds with two decimals, everything else with four; each row's
 * removal verdict in full below the table).
 */
public final class TofuTables {

    private TofuTables() {
    }

    /** {@code row,role,FIGURE...,verdict,error}; a figure a row lacks is an empty cell. */
    public static String csv(TofuReport report) {
        List<String> figures = report.figures();
        StringBuilder csv = new StringBuilder("row,role");
        figures.forEach(f -> csv.append(',').append(CsvTables.quoted(f)));
        csv.append(",verdict,error\n");
        for (TofuRow r : report.rows()) {
            csv.append(CsvTables.quoted(r.name())).append(',').append(r.role().name().toLowerCase(Locale.ROOT));
            for (String f : figures) {
                Double v = r.figure(f);
                csv.append(',').append(v == null ? "" : v.toString());
            }
            csv.append(',').append(r.verdict() == null ? "" : CsvTables.quoted(r.verdict()))
                    .append(',').append(r.error() == null ? "" : CsvTables.quoted(r.error())).append('\n');
        }
        return csv.toString();
    }

    /** The whole Markdown report: the statements, the table, and each failed method's error. */
    public static String markdown(TofuReport report) {
        TofuJudgement j = report.judgement();
        StringBuilder md = new StringBuilder();
        md.append(j.discrimination()).append("\n\n").append(j.noiseFloor()).append("\n\n").append(j.verdict()).append("\n\n")
                .append(j.timing()).append("\n\n");
        md.append(table(report));
        if (report.rows().stream().anyMatch(r -> r.verdict() != null)) {
            md.append("\nRemoval or suppression, per row:\n\n");
            report.rows().stream().filter(r -> r.verdict() != null).forEach(r -> md.append("- **").append(r.name()).append("**: ")
                    .append(r.verdict()).append('\n'));
        }
        report.rows().stream().filter(r -> !r.succeeded()).forEach(r -> md.append('\n').append("- **").append(r.name())
                .append("** refused or failed: ").append(r.error()).append('\n'));
        return md.toString();
    }

    /** One line per row: its name, the headline figures some row has, and the removal verdict's headline. */
    public static String table(TofuReport report) {
        List<String> columns = report.headline();
        StringBuilder md = new StringBuilder("| row |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append(" verdict |\n|---|").append("---|".repeat(columns.size())).append("---|\n");
        for (TofuRow r : report.rows()) {
            md.append("| ").append(r.name()).append(" |");
            for (String c : columns) {
                Double v = r.figure(c);
                md.append(' ').append(v == null ? "–" : format(c, v)).append(" |");
            }
            String verdict = r.succeeded() ? (r.verdict() == null ? "–" : shortVerdict(r.verdict())) : "failed";
            md.append(' ').append(verdict.replace("|", "/")).append(" |\n");
        }
        return md.toString();
    }

    /** The verdict's headline for the table: its words before the first colon ("removal", "suppression", ...). */
    static String shortVerdict(String verdict) {
        int colon = verdict.indexOf(':');
        return colon < 0 ? verdict : verdict.substring(0, colon);
    }

    /** A figure as the tables show it. */
    public static String format(String figure, double value) {
        if (figure.equals(TofuRow.FORGET_QUALITY)) {
            return TofuJudgement.p(value);
        }
        String pattern = figure.equals(TofuRow.PRIVLEAK) || figure.equals(TofuRow.SECONDS) ? "%.2f" : "%.4f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
