package dev.lethe.core.ledger;

/**
 * One row of the audit trail, exactly as stored. Each event is chained to the one before it:
 * {@code hash = SHA-256(prevHash '\n' seq '\n' at '\n' type '\n' (requestId or "") '\n' principal '\n' payload)},
 * hex, and the first event's {@code prevHash} is 64 zeros, so that editing, removing or reordering an event
 * is detected by {@link Ledger#verifyChain()}.
 *
 * @param seq       1, 2, 3, ... without gaps
 * @param at        ISO-8601 UTC instant with milliseconds, as text (hashed as stored)
 * @param type      for example {@code request.accepted}, {@code request.done}, {@code model.switched}
 * @param requestId the forget request it concerns, or null
 * @param principal who or what caused it ({@link Ledger#SYSTEM_PRINCIPAL} for the ledger's own workers)
 * @param payload   canonical JSON: keys sorted, no whitespace
 * @param prevHash  the hash of event {@code seq - 1}
 * @param hash      this event's hash
 */
public record AuditEvent(long seq, String at, String type, String requestId, String principal, String payload,
                         String prevHash, String hash) {

    /** The hash this event's contents call for, whatever is stored in {@link #hash()}. */
    public String computeHash() {
        return AuditChain.hash(prevHash, seq, at, type, requestId, principal, payload);
    }
}
