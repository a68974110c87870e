package dev.lethe.core.audit;

import java.util.List;

/**
 * The result of {@link StoreAudit#run}: every check, and whether all passed.
 *
 * @param store the audited store
 * @param checks the checks in the order they ran
 */
public record AuditReport(String store, List<AuditCheck> checks) {

    public AuditReport {
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return checks.stream().allMatch(AuditCheck::passed);
    }
}
