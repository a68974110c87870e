package dev.lethe.torch.scenario.report;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link ScenarioReport} into a run folder: {@code report.json}, {@code results.csv},
 * {@code steps.csv} (sequential scenarios), {@code report.md}, {@code plots/*.png} and {@code report.html}.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /**
     * The files written.
     *
     * @param json report.json
     * @param csv results.csv
     * @param markdown report.md
     * @param html report.html
     * @param plots plot title → PNG path relative to the folder
     */
    public record Files(Path json, Path csv, Path markdown, Path html, Map<String, String> plots) {
    }

    public static Files write(ScenarioReport report, Path dir) throws IOException {
        Path json = dir.resolve("report.json");
        AtomicFiles.write(json, Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        Path csv = dir.resolve("results.csv");
        text(csv, CsvTables.results(report.results()));
        if (!report.summary().steps().isEmpty()) {
            text(dir.resolve("steps.csv"), CsvTables.steps(report.results()));
        }
        Path md = dir.resolve("report.md");
        text(md, MarkdownTables.of(report));
        Map<String, String> plots = new LinkedHashMap<>();
        new Charts(report, dir.resolve("plots")).renderAll().forEach((title, file) -> plots.put(title, "plots/" + file));
        Path html = dir.resolve("report.html");
        text(html, HtmlReport.of(report, plots));
        return new Files(json, csv, md, html, plots);
    }

    private static void text(Path file, String content) throws IOException {
        AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
