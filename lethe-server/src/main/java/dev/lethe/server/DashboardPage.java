package dev.lethe.server;

import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /}: a small server-rendered page for operators (admin token): the version served, the queue, and
 * the history of versions with the requests that produced each. No script, no external resources.
 */
final class DashboardPage {

    private static final int QUEUE_ROWS = 50;

    private final Store store;
    private final Ledger ledger;
    private final ServedModels models;

    DashboardPage(Store store, Ledger ledger, ServedModels models) {
        this.store = store;
        this.ledger = ledger;
        this.models = models;
    }

    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/", Access.ADMIN, "Dashboard (HTML): the model version served, the queue and the history",
                List.of(), null, Map.of(200, "an HTML page"), this::render);
    }

    private void render(Context ctx, Caller caller) {
        StoreManifest m = store.readManifest();
        List<ForgetRequest> pending = ledger.pending();
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Lethe</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}</style></head><body>");
        html.append("<h1>Lethe</h1><p>Store <code>").append(escape(store.root().toString())).append("</code>: model version <b>")
                .append(models.version()).append("</b> (").append(escape(m.model().spec())).append(", ")
                .append(m.sisa().shards()).append(" shards × ").append(m.sisa().slices()).append(" slices).</p>");
        html.append("<h2>Queue: ").append(pending.size()).append(" request(s)</h2><table><tr><th>request</th><th>status</th>"
                + "<th>kind</th><th>values</th><th>principal</th><th>accepted</th></tr>");
        for (ForgetRequest r : pending.subList(0, Math.min(QUEUE_ROWS, pending.size()))) {
            html.append("<tr><td>").append(escape(r.id())).append("</td><td>").append(RequestViews.status(r.status()))
                    .append("</td><td>").append(r.kind().name().toLowerCase(java.util.Locale.ROOT)).append("</td><td>")
                    .append(r.valuesCount()).append("</td><td>").append(escape(r.principal())).append("</td><td>")
                    .append(r.acceptedAt()).append("</td></tr>");
        }
        html.append("</table><h2>History</h2><table><tr><th>version</th><th>created</th><th>requests</th>"
                + "<th>shards retrained</th></tr>");
        for (int i = m.models().size() - 1; i >= 0; i--) {
            StoreManifest.ModelVersion v = m.models().get(i);
            html.append("<tr><td>").append(v.version()).append("</td><td>").append(escape(v.createdAt())).append("</td><td>")
                    .append(escape(String.join(", ", v.requests()))).append("</td><td>")
                    .append(v.retrained() == null ? "" : escape(v.retrained().stream().map(x -> Integer.toString(x.shard())).toList().toString()))
                    .append("</td></tr>");
        }
        ctx.html(html.append("</table></body></html>").toString());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
