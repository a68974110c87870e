package dev.lethe.server;

import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models/current} (the served version, its configuration and the lineage of versions with the
 * requests that produced each) and {@code GET /v1/health}.
 */
final class ModelsApi {

    private final Store store;
    private final ServedModels models;
    private final PendingRequests pending;

    ModelsApi(Store store, ServedModels models, PendingRequests pending) {
        this.pending = pending;
        this.store = store;
        this.models = models;
    }

    List<Endpoint> endpoints() {
        return List.of(
                new Endpoint(HandlerType.GET, "/v1/health", Access.PUBLIC,
                        "Health: ok when the server answers from the store's current model version; degraded (503) when it cannot,"
                                + " naming the damaged shard and checkpoint",
                        List.of(), null, Map.of(200, "ok", 503, "degraded: no model is served, and why"), this::health),
                new Endpoint(HandlerType.GET, "/v1/models/current", Access.AUTHENTICATED,
                        "The model version answering predictions, its configuration and the lineage of versions",
                        List.of(), null, Map.of(200, "the current version"), this::current));
    }

    private void health(Context ctx, Caller caller) {
        models.follow(false);
        ServedModels.State s = models.state();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", s.ok() ? "ok" : "degraded");
        doc.put("modelVersion", s.servedVersion());
        doc.put("currentVersion", s.currentVersion());
        doc.put("pendingForgetRequests", pending.snapshot().view());
        if (!s.ok()) {
            doc.put("problem", s.problem());
            if (s.damagedShard() != null) {
                doc.put("damaged", Map.of("shard", s.damagedShard(), "file", s.damagedFile()));
            }
        }
        ctx.status(s.ok() ? 200 : 503).json(doc);
    }

    private void current(Context ctx, Caller caller) {
        StoreManifest m = store.readManifest();
        StoreManifest.ModelVersion served = m.models().stream().filter(v -> v.version() == models.version()).findFirst()
                .orElse(m.current());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", m.model());
        config.put("sisa", m.sisa());
        config.put("training", m.training());
        config.put("dataset", Map.of("source", m.dataset().source(), "fingerprint", m.dataset().fingerprint(),
                "classNames", m.dataset().classNames()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", served.version());
        doc.put("createdAt", served.createdAt());
        doc.put("metrics", served.metrics());
        SisaModelVersion sisa = served instanceof SisaModelVersion s ? s : null;
        doc.put("checkpoints", sisa == null ? null : sisa.checkpoints());
        doc.put("checkpointSha256", sisa == null ? null : sisa.checkpointSha256());
        doc.put("config", config);
        // the forget requests behind each version are the admins' business: a client sees the versions only
        doc.put("lineage", m.models().stream().map(v -> lineageEntry(v, caller.admin())).toList());
        ctx.json(doc);
    }

    private static Map<String, Object> lineageEntry(StoreManifest.ModelVersion v, boolean withRequests) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("version", v.version());
        e.put("createdAt", v.createdAt());
        if (withRequests) {
            e.put("requests", v.requests());
        }
        e.put("retrained", v instanceof SisaModelVersion s && s.retrained() != null ? s.retrained() : List.of());
        e.put("metrics", v.metrics());
        return e;
    }
}
