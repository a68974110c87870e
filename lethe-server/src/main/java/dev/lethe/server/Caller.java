package dev.lethe.server;

import dev.lethe.server.auth.Role;

/**
 * Who made an HTTP request: the token's name (the principal the ledger records) and its role; for a public
 * endpoint, {@link #ANONYMOUS}.
 *
 * @param name the principal
 * @param role what it may do, null when anonymous
 */
record Caller(String name, Role role) {

    static final Caller ANONYMOUS = new Caller("anonymous", null);

    boolean admin() {
        return role == Role.ADMIN;
    }
}
