package dev.lethe.torch.lm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.store.Store;
import dev.lethe.torch.scenario.report.HtmlReport;

import java.util.Map;

/**
 * The TOFU report as one self-describing HTML page: the judgement's statements (discrimination first, so no
 * reader ranks methods on an evaluation that does not discriminate), the table with the reference rows
 * first, each failed method's error, the plots as {@code <img>} elements pointing at the PNG files beside
 * it, each row's eval-log folder, the resolved configuration and the versions.
 */
public final class TofuHtml {

    private TofuHtml() {
    }

    /** The page; {@code plots} maps each plot's title to its path relative to the page. */
    public static String of(TofuReport report, Map<String, String> plots) {
        TofuJudgement j = report.judgement();
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Lethe TOFU report</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,td:last-child{text-align:left}")
                .append("pre{background:#f6f6f6;padding:1em;overflow:auto}img{max-width:100%}.verdict{font-weight:bold}</style>\n")
                .append("</head>\n<body>\n<h1>Lethe TOFU report</h1>\n");
        h.append("<p>Config hash <code>").append(HtmlReport.escape(report.configHash())).append("</code>. Forget quality is the ")
                .append("two-sample KS p-value of the forget truth ratios against the retain-only model's; model utility the harmonic ")
                .append("mean of the nine TOFU utility figures; reference rows first, as in OpenUnlearning's tables.</p>\n");
        h.append("<p class=\"verdict\">").append(HtmlReport.escape(j.discrimination())).append("</p>\n");
        h.append("<p>").append(HtmlReport.escape(j.noiseFloor())).append("</p>\n");
        h.append("<p class=\"verdict\">").append(HtmlReport.escape(j.verdict())).append("</p>\n");
        h.append("<p>").append(HtmlReport.escape(j.timing())).append("</p>\n");
        h.append("<h2>Table</h2>\n").append(HtmlReport.table(TofuTables.table(report)));
        if (report.rows().stream().anyMatch(r -> r.verdict() != null)) {
            h.append("<h2>Removal or suppression</h2>\n<ul>\n");
            report.rows().stream().filter(r -> r.verdict() != null).forEach(r -> h.append("<li><b>").append(HtmlReport.escape(r.name()))
                    .append("</b>: ").append(HtmlReport.escape(r.verdict())).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (report.rows().stream().anyMatch(r -> !r.succeeded())) {
            h.append("<h2>Refused or failed</h2>\n<ul>\n");
            report.rows().stream().filter(r -> !r.succeeded()).forEach(r -> h.append("<li><b>").append(HtmlReport.escape(r.name()))
                    .append("</b>: ").append(HtmlReport.escape(r.error())).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>Plots</h2>\n");
        plots.forEach((title, file) -> h.append("<figure><img src=\"").append(HtmlReport.escape(file)).append("\" alt=\"")
                .append(HtmlReport.escape(title)).append("\"><figcaption>").append(HtmlReport.escape(title)).append("</figcaption></figure>\n"));
        h.append("<h2>Eval logs</h2>\n<ul>\n");
        report.rows().stream().filter(r -> r.evalDir() != null).forEach(r -> h.append("<li>").append(HtmlReport.escape(r.name()))
                .append(": <a href=\"").append(HtmlReport.escape(r.evalDir())).append("/TOFU_SUMMARY.json\">")
                .append(HtmlReport.escape(r.evalDir())).append("/</a></li>\n"));
        h.append("</ul>\n");
        h.append("<h2>Configuration</h2>\n<pre>").append(HtmlReport.escape(json(report.config()))).append("</pre>\n");
        h.append("<h2>Versions</h2>\n<pre>").append(HtmlReport.escape(json(report.versions()))).append("</pre>\n");
        return h.append("</body>\n</html>\n").toString();
    }

    private static String json(Object value) {
        try {
            return Store.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's configuration as JSON: " + e.getMessage(), e);
        }
    }
}
