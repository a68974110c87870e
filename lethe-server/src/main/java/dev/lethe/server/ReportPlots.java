package dev.lethe.server;

import dev.lethe.core.store.Store;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The plots of the store's latest report: the folder under {@code reports/} whose {@code plots/*.png} were written
 * last (a scenario report, {@code lethe bench scenario ... --out STORE/reports/NAME}), served as
 * {@code GET /dashboard/plots/{name}}. Only the names that folder lists are served, so no path leaves it.
 */
final class ReportPlots {

    /** A report folder and the names of its plots, sorted. */
    record Report(Path folder, FileTime written, List<String> plots) {
    }

    private final Store store;

    ReportPlots(Store store) {
        this.store = store;
    }

    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/dashboard/plots/{name}", Access.DASHBOARD,
                "A plot of the store's latest report (PNG)", List.of(), null,
                Map.of(200, "the PNG", 404, "the latest report has no such plot"), this::serve);
    }

    /** The report whose plots were written last, if any folder under {@code reports/} has plots. */
    Optional<Report> latest() throws IOException {
        if (!Files.isDirectory(store.reportsDir())) {
            return Optional.empty();
        }
        try (Stream<Path> folders = Files.list(store.reportsDir())) {
            return folders.filter(Files::isDirectory).map(ReportPlots::read).flatMap(Optional::stream)
                    .max(Comparator.comparing(Report::written).thenComparing(r -> r.folder().getFileName().toString()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Optional<Report> read(Path folder) {
        Path plots = folder.resolve("plots");
        if (!Files.isDirectory(plots)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(plots)) {
            List<Path> pngs = files.filter(p -> p.getFileName().toString().endsWith(".png") && Files.isRegularFile(p))
                    .sorted().toList();
            if (pngs.isEmpty()) {
                return Optional.empty();
            }
            FileTime written = FileTime.fromMillis(0);
            for (Path p : pngs) {
                FileTime t = Files.getLastModifiedTime(p);
                written = t.compareTo(written) > 0 ? t : written;
            }
            return Optional.of(new Report(folder, written, pngs.stream().map(p -> p.getFileName().toString()).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(Context ctx, Caller caller) throws IOException {
        String name = ctx.pathParam("name");
        Report report = latest().filter(r -> r.plots().contains(name)).orElseThrow(() ->
                ApiException.notFound("the latest report has no plot '" + name + "'"));
        ctx.header("Cache-Control", "no-store").contentType("image/png")
                .result(Files.readAllBytes(report.folder().resolve("plots").resolve(name)));
    }
}
