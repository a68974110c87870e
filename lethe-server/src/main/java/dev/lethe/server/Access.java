package dev.lethe.server;

/** Who may call an endpoint. */
enum Access {
    /** Anyone, without a token ({@code /v1/health} and the dashboard's sign-in form). */
    PUBLIC,
    /** Any active token, admin or client. */
    AUTHENTICATED,
    /** An active admin token. */
    ADMIN,
    /**
     * An active admin token, as a Bearer header or as the dashboard cookie {@link LoginPage} sets: the dashboard's
     * HTML and images only, so that a browser can open them. Without either, the caller is sent to the sign-in form.
     */
    DASHBOARD
}
