package dev.lethe.torch.scenario.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.store.Store;

import java.util.Map;

/**
 * The report as one self-describing HTML page: what was run (the resolved configuration, seeds, data
 * fingerprint, config hash and versions), the summary table (mean ± std over the seeds), the per-request
 * table of sequential scenarios, the strengths set from the data ({@link StrengthLines}), the errors of refused methods, and the plots as {@code <img>} elements
 * pointing at the PNG files beside it.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /** The page; {@code plots} maps each plot's title to its path relative to the page. */
    public static String of(ScenarioReport report, Map<String, String> plots) {
        String title = "Lethe scenario report: " + escape(subject(report));
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title + "</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}")
                .append("pre{background:#f6f6f6;padding:1em;overflow:auto}img{max-width:100%}</style>\n</head>\n<body>\n");
        h.append("<h1>").append(title).append("</h1>\n");
        h.append("<p>Config hash <code>").append(escape(report.configHash())).append("</code>. Figures are mean ± sample standard ")
                .append("deviation over the seeds; <em>gap</em> figures are |method − retrain|, <em>avg-gap</em> their mean.</p>\n");
        h.append("<h2>Summary</h2>\n").append(table(MarkdownTables.summaryTable(report)));
        if (!report.evidenceColumns().isEmpty()) {
            h.append("<h2>Beyond accuracy: learned attack, distance to the reference, relearn time</h2>\n")
                    .append(table(MarkdownTables.evidenceTable(report)));
        }
        if (!report.summary().steps().isEmpty()) {
            h.append("<h2>After each request</h2>\n").append(table(MarkdownTables.stepTable(report.summary())));
        }
        Map<String, String> strengths = StrengthLines.of(report.results());
        if (!strengths.isEmpty()) {
            h.append("<h2>").append(StrengthLines.TITLE).append("</h2>\n<p>").append(escape(StrengthLines.legend(report.keepWithin()).replaceFirst("^a", "A")))
                    .append(".</p>\n<ul>\n");
            strengths.forEach((row, line) -> h.append("<li><b>").append(escape(row)).append("</b> ").append(escape(line.replace("`", "")))
                    .append("</li>\n"));
            h.append("</ul>\n");
        }
        if (!report.summary().errors().isEmpty()) {
            h.append("<h2>Refused or failed</h2>\n<ul>\n");
            report.summary().errors().forEach((row, errors) -> h.append("<li><b>").append(escape(row)).append("</b>: ")
                    .append(escape(String.join("; ", errors))).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>Plots</h2>\n");
        plots.forEach((plot, file) -> h.append("<figure><img src=\"").append(escape(file)).append("\" alt=\"").append(escape(plot))
                .append("\"><figcaption><b>").append(escape(plot)).append(".</b> ").append(escape(Charts.caption(file)))
                .append("</figcaption></figure>\n"));
        h.append("<h2>Configuration</h2>\n<pre>").append(escape(json(report.config()))).append("</pre>\n");
        h.append("<h2>Versions</h2>\n<pre>").append(escape(json(report.versions()))).append("</pre>\n");
        return h.append("</body>\n</html>\n").toString();
    }

    /** What was run, for the title: the scenario and the data set ("class-forgetting on digits"), from the configuration. */
    static String subject(ScenarioReport report) {
        com.fasterxml.jackson.databind.JsonNode config = Store.json().valueToTree(report.config()).path("config");
        String scenario = config.path("scenario").path("name").asText("");
        String dataset = config.path("dataset").path("name").asText("");
        if (scenario.isEmpty() && dataset.isEmpty()) {
            return "config " + report.configHash();
        }
        return (scenario.isEmpty() ? "scenario" : scenario) + " on " + (dataset.isEmpty() ? "data" : dataset);
    }

    /** A Markdown table (as {@link MarkdownTables} writes it) as an HTML table. */
    public static String table(String markdown) {
        StringBuilder h = new StringBuilder("<table>\n");
        String[] lines = markdown.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (i == 1) {
                continue;
            }
            String[] cells = lines[i].substring(1, lines[i].length() - 1).split("\\|");
            String tag = i == 0 ? "th" : "td";
            h.append("<tr>");
            for (String c : cells) {
                h.append('<').append(tag).append('>').append(escape(c.trim())).append("</").append(tag).append('>');
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    private static String json(Object value) {
        try {
            return Store.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's configuration as JSON: " + e.getMessage(), e);
        }
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
