package dev.lethe.server.auth;

import java.util.Locale;

/** What an API token may do. */
public enum Role {
    /** Forget requests, audits, token management, and everything a client may do. */
    ADMIN,
    /** Predictions, and the status of the forget requests it submitted. */
    CLIENT;

    /** The role named {@code admin} or {@code client}, case-insensitive. */
    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "': use admin or client");
    }

    /** The lower-case name used on the wire and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
