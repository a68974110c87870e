package dev.lethe.server;

import dev.lethe.core.audit.AuditReport;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreLock;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/audit}: runs {@link StoreAudit} under the store's lock (so it never sees a batch half-done)
 * and records who ran it, and with what outcome, in the ledger.
 */
final class AuditApi {

    private final Store store;
    private final Ledger ledger;

    AuditApi(Store store, Ledger ledger) {
        this.store = store;
        this.ledger = ledger;
    }

    List<Endpoint> endpoints() {
        return List.of(new Endpoint(HandlerType.POST, "/v1/audit", Access.ADMIN,
                "Audit the store: ledger hash chain, manifest against files, no checkpoint or data row of a forgotten record",
                List.of(), null, Map.of(200, "the findings (passed tells whether every check held)"), this::audit));
    }

    private void audit(Context ctx, Caller caller) throws Exception {
        AuditReport report;
        try (StoreLock lock = StoreLock.acquire(store)) {
            report = StoreAudit.run(store, ledger);
        }
        ledger.append("audit.run", null, caller.name(), Map.of("passed", report.passed(),
                "failedChecks", report.checks().stream().filter(c -> !c.passed()).map(c -> c.name()).toList()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("passed", report.passed());
        doc.put("checks", report.checks());
        ctx.json(doc);
    }
}
