package dev.lethe.core.ledger;

/**
 * An idempotency key was reused for a request that differs from the one it first created (another kind or
 * other values). Returning the original would tell the caller that values were accepted which never were,
 * so the ledger refuses instead; a server answers 409 or 422.
 */
public class IdempotencyConflictException extends IllegalArgumentException {

    private final String originalRequestId;

    public IdempotencyConflictException(String idempotencyKey, String originalRequestId) {
        super("idempotency key '" + idempotencyKey + "' already created " + originalRequestId
                + " with a different kind or different values; use a new key for a new request");
        this.originalRequestId = originalRequestId;
    }

    /** The request the key created first. */
    public String originalRequestId() {
        return originalRequestId;
    }
}
