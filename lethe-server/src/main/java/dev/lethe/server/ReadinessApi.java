package dev.lethe.server;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/ready}: readiness, apart from liveness ({@code /v1/health} answers as long as the process
 * serves). Ready means the ledger and the token table answer, the forget worker runs and, on a PostgreSQL ledger,
 * this server holds the ledger's lease ({@link LedgerLease}); a load balancer sends no
 * traffic to a server that is not ready, and the answer says which part is down. Public, like health, and it
 * names no database.
 */
final class ReadinessApi {

    private final Ledger ledger;
    private final TokenStore tokens;
    private final ForgetWorker worker;
    private final LedgerLease lease;

    /** {@code lease}: null for a ledger that needs none (SQLite in the store). */
    ReadinessApi(Ledger ledger, TokenStore tokens, ForgetWorker worker, LedgerLease lease) {
        this.ledger = ledger;
        this.tokens = tokens;
        this.worker = worker;
        this.lease = lease;
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
        boolean leaseHeld = lease == null || lease.held();
        boolean ready = ledgerUp && tokensUp && workerUp && leaseHeld;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ready", ready);
        doc.put("ledger", ledgerUp ? "ok" : "unavailable");
        doc.put("tokens", tokensUp ? "ok" : "unavailable");
        doc.put("worker", workerUp ? "running" : "stopped");
        if (lease != null) {
            doc.put("lease", leaseHeld ? "held" : "not held (another server holds the ledger, or it is unreachable)");
        }
        ctx.status(ready ? 200 : 503).json(doc);
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
