package dev.lethe.server;

/** Who may call an endpoint. */
enum Access {
    /** Anyone, without a token ({@code /v1/health} only). */
    PUBLIC,
    /** Any active token, admin or client. */
    AUTHENTICATED,
    /** An active admin token. */
    ADMIN
}
