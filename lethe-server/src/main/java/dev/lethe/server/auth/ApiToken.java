package dev.lethe.server.auth;

import java.time.Instant;

/**
 * A stored API token, without its secret (only the secret's SHA-256 is ever stored).
 *
 * @param name      unique name; it is the principal recorded in the ledger for what the token does
 * @param role      what the token may do
 * @param createdAt when it was issued
 * @param revokedAt when it was revoked, else null
 */
public record ApiToken(String name, Role role, Instant createdAt, Instant revokedAt) {

    /** Whether the token still authenticates. */
    public boolean active() {
        return revokedAt == null;
    }
}
