package dev.lethe.server.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The token as the API and the CLI print it: name, role, creation and revocation times. */
    public Map<String, Object> describe() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("role", role.label());
        v.put("createdAt", createdAt.toString());
        v.put("revokedAt", revokedAt == null ? null : revokedAt.toString());
        return v;
    }
}
