package dev.lethe.torch.lm.bench;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link TofuReport} into a run folder: {@code report.json}, {@code report.csv}, {@code report.md},
 * {@code plots/*.png} and {@code report.html}, each atomically.
 */
public final class TofuReportWriter {

    private TofuReportWriter() {
    }

    /**
     * The files written.
     *
     * @param json report.json
     * @param csv report.csv
     * @param markdown report.md
     * @param html report.html
     * @param plots plot title → PNG path relative to the folder
     */
    public record Files(Path json, Path csv, Path markdown, Path html, Map<String, String> plots) {
    }

    /** Writes every file of the report into {@code dir}. */
    public static Files write(TofuReport report, Path dir) throws IOException {
        Path json = dir.resolve("report.json");
        AtomicFiles.write(json, Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        Path csv = dir.resolve("report.csv");
        text(csv, TofuTables.csv(report));
        Path md = dir.resolve("report.md");
        text(md, TofuTables.markdown(report));
        Map<String, String> plots = new LinkedHashMap<>();
        new TofuCharts(report, dir.resolve("plots")).renderAll().forEach((title, file) -> plots.put(title, "plots/" + file));
        Path html = dir.resolve("report.html");
        text(html, TofuHtml.of(report, plots));
        return new Files(json, csv, md, html, plots);
    }

    private static void text(Path file, String content) throws IOException {
        AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
