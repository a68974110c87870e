package dev.lethe.server;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/ready}: readiness, apart from liveness ({@code /v1/health} answers as long as the process
 * serves). Ready means the ledger and the token table answer and the forget worker runs; a load balancer sends no
 * traffic to a server that is not ready, and the answer says which part is down. Public, like health, and it
 * names no database.
 */
final class ReadinessApi {

    private final Ledger ledger;
    private final TokenStore tokens;
    private final ForgetWorker worker;

    ReadinessApi(Ledger ledger, TokenStore tokens, ForgetWorker worker) {
        this.ledger = ledger;
        this.tokens = tokens;
        this.worker = worker;
    }

    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/v1/ready", Access.PUBLIC,
                "Readiness: whether the ledger, the token table and the forget worker are up (liveness is /v1/health)",
                java.util.List.of(), null, Map.of(200, "ready", 503, "not ready: the parts that are down"), this::ready);
    }

    private void ready(Context ctx, Caller caller) {
        boolean ledgerUp = ledgerAnswers();
        boolean tokensUp = tokens.reachable();
        boolean workerUp = worker.running();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ready", ledgerUp && tokensUp && workerUp);
        doc.put("ledger", ledgerUp ? "ok" : "unavailable");
        doc.put("tokens", tokensUp ? "ok" : "unavailable");
        doc.put("worker", workerUp ? "running" : "stopped");
        ctx.status(ledgerUp && tokensUp && workerUp ? 200 : 503).json(doc);
    }

    private boolean ledgerAnswers() {
        try {
            ledger.head();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
