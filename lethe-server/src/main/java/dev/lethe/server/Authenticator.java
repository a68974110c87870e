package dev.lethe.server;

import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;

/**
 * Checks the credential of a request against an endpoint's {@link Access}: the {@code Authorization: Bearer}
 * token, or, for {@link Access#DASHBOARD} endpoints only, the dashboard cookie carrying a session id
 * ({@link DashboardSessions}).
 */
final class Authenticator {

    private final TokenStore tokens;
    private final DashboardSessions sessions;
    private final AuthFailures failures;

    Authenticator(TokenStore tokens, DashboardSessions sessions, AuthFailures failures) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.failures = failures;
    }

    /**
     * The caller, or a 401 (no, malformed, unknown or revoked token) or 403 (role too weak) {@link ApiException};
     * a {@link LoginRequired} for a dashboard endpoint called without a Bearer header and without a valid cookie.
     */
    Caller require(Context ctx, Access access) {
        if (access == Access.PUBLIC) {
            return Caller.ANONYMOUS;
        }
        String header = ctx.header("Authorization");
        ApiToken token;
        if (access == Access.DASHBOARD && header == null) {
            String cookie = ctx.cookie(LoginPage.COOKIE);
            token = cookie == null ? null : sessions.caller(cookie).orElse(null);
            if (token == null) {
                throw new LoginRequired(cookie != null);
            }
        } else {
            token = bearer(ctx, header);
        }
        Caller caller = new Caller(token.name(), token.role());
        if (access != Access.AUTHENTICATED && !caller.admin()) {
            throw new ApiException(403, "Authorization", "this endpoint needs an admin token; '" + token.name()
                    + "' is a " + token.role().label() + " token");
        }
        return caller;
    }

    private ApiToken bearer(Context ctx, String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "Authorization", "this endpoint needs an 'Authorization: Bearer <token>' header");
        }
        String presented = header.substring(7).trim();
        // cheap checks first: an address that keeps failing is refused before any database lookup
        failures.requireAllowed(ctx.ip());
        return tokens.authenticate(presented).orElseThrow(() -> {
            failures.failed(ctx.ip(), presented, ctx.method() + " " + ctx.path());
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new ApiException(401, "Authorization", "the token is unknown or revoked");
        });
    }

    /** A browser without a valid dashboard cookie: it is sent to the sign-in form. */
    static final class LoginRequired extends RuntimeException {

        private final boolean staleCookie;

        LoginRequired(boolean staleCookie) {
            super("sign in first", null, false, false);
            this.staleCookie = staleCookie;
        }

        /** Whether the request carried a cookie whose session is unknown, expired or revoked (the answer clears it). */
        boolean staleCookie() {
            return staleCookie;
        }
    }
}
