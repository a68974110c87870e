package dev.lethe.server;

import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /}: a small server-rendered page for operators (admin token, or the cookie of {@link LoginPage}): the
 * version served, the {@link DashboardCharts}, the queue, the history of versions with the requests that produced
 * each, and the plots of the latest report ({@link ReportPlots}). No script; images from this server only.
 */
final class DashboardPage {

    private static final int QUEUE_ROWS = 50;

    private final Store store;
    private final Ledger ledger;
    private final ServedModels models;
    private final ReportPlots reports;

    DashboardPage(Store store, Ledger ledger, ServedModels models, ReportPlots reports) {
        this.store = store;
        this.ledger = ledger;
        this.models = models;
        this.reports = reports;
    }

    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/", Access.DASHBOARD,
                "Dashboard (HTML): the model version served, charts, the queue, the history and the latest report's plots",
                List.of(), null, Map.of(200, "an HTML page"), this::render);
    }

    private void render(Context ctx, Caller caller) throws IOException {
        StoreManifest m = store.readManifest();
        StringBuilder html = new StringBuilder("<header><h1>Lethe</h1><form method=\"post\" action=\"/logout\">")
                .append(Html.escape(caller.name())).append(" <button type=\"submit\">Sign out</button></form></header>");
        html.append("<p>Store <code>").append(Html.escape(store.root().toString()))
                .append("</code>: model version <b id=\"model-version\">").append(models.version()).append("</b> (")
                .append(Html.escape(m.model().spec())).append(", ").append(m.sisa().shards()).append(" shards × ")
                .append(m.sisa().slices()).append(" slices).</p><div>");
        for (String chart : List.of("history", "retraining")) {
            html.append("<img id=\"chart-").append(chart).append("\" src=\"/dashboard/charts/").append(chart)
                    .append(".png\" width=\"").append(DashboardCharts.WIDTH).append("\" height=\"")
                    .append(DashboardCharts.HEIGHT).append("\" alt=\"").append(chart).append(" chart\">");
        }
        queue(html.append("</div>"));
        history(html, m);
        latestReport(html);
        Html.send(ctx, 200, "Lethe", html.toString());
    }

    private void queue(StringBuilder html) {
        List<ForgetRequest> pending = ledger.pending();
        html.append("<h2>Queue: ").append(pending.size()).append(" request(s)</h2>");
        if (!pending.isEmpty()) {
            html.append("<p id=\"pending-note\">The model served still reflects the data of ").append(pending.size())
                    .append(" accepted forget request(s), waiting since ").append(pending.get(0).acceptedAt()).append(".</p>");
        }
        html.append("<table id=\"queue\"><tr><th>request</th>"
                + "<th>status</th><th>kind</th><th>values</th><th>principal</th><th>accepted</th></tr>");
        for (ForgetRequest r : pending.subList(0, Math.min(QUEUE_ROWS, pending.size()))) {
            html.append("<tr><td>").append(Html.escape(r.id())).append("</td><td>").append(RequestViews.status(r.status()))
                    .append("</td><td>").append(r.kind().name().toLowerCase(Locale.ROOT)).append("</td><td>")
                    .append(r.valuesCount()).append("</td><td>").append(Html.escape(r.principal())).append("</td><td>")
                    .append(r.acceptedAt()).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void history(StringBuilder html, StoreManifest m) {
        html.append("<h2>History</h2><table id=\"history\"><tr><th>version</th><th>created</th><th>requests</th>"
                + "<th>shards retrained</th></tr>");
        for (int i = m.models().size() - 1; i >= 0; i--) {
            StoreManifest.ModelVersion v = m.models().get(i);
            html.append("<tr><td>").append(v.version()).append("</td><td>").append(Html.escape(v.createdAt()))
                    .append("</td><td>").append(Html.escape(String.join(", ", v.requests()))).append("</td><td>")
                    .append(!(v instanceof SisaModelVersion s) || s.retrained() == null ? ""
                            : s.retrained().stream().map(x -> Integer.toString(x.shard())).toList())
                    .append("</td></tr>");
        }
        html.append("</table>");
    }

    private void latestReport(StringBuilder html) throws IOException {
        Optional<ReportPlots.Report> latest = reports.latest();
        if (latest.isEmpty()) {
            html.append("<h2>Latest report</h2><p id=\"no-report\">This store holds no report with plots (a folder "
                    + "<code>reports/NAME/plots/*.png</code>; <code>lethe bench scenario … --out STORE/reports/NAME</code> "
                    + "writes one).</p>");
            return;
        }
        ReportPlots.Report r = latest.get();
        html.append("<h2>Latest report: <code id=\"report-name\">").append(Html.escape(r.folder().getFileName().toString()))
                .append("</code> (").append(r.written()).append(")</h2><div id=\"report-plots\">");
        for (String plot : r.plots()) {
            html.append("<img class=\"report-plot\" src=\"/dashboard/plots/")
                    .append(URLEncoder.encode(plot, StandardCharsets.UTF_8).replace("+", "%20"))
                    .append("\" width=\"480\" alt=\"").append(Html.escape(plot)).append("\">");
        }
        html.append("</div>");
    }
}
