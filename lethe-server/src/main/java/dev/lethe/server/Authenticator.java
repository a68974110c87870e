package dev.lethe.server;

import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;

/** Checks the {@code Authorization: Bearer} token of a request against an endpoint's {@link Access}. */
final class Authenticator {

    private final TokenStore tokens;

    Authenticator(TokenStore tokens) {
        this.tokens = tokens;
    }

    /** The caller, or a 401 (no, malformed, unknown or revoked token) or 403 (role too weak) {@link ApiException}. */
    Caller require(Context ctx, Access access) {
        if (access == Access.PUBLIC) {
            return Caller.ANONYMOUS;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "Authorization", "this endpoint needs an 'Authorization: Bearer <token>' header");
        }
        ApiToken token = tokens.authenticate(header.substring(7).trim()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new ApiException(401, "Authorization", "the token is unknown or revoked");
        });
        Caller caller = new Caller(token.name(), token.role());
        if (access == Access.ADMIN && !caller.admin()) {
            throw new ApiException(403, "Authorization", "this endpoint needs an admin token; '" + token.name()
                    + "' is a " + token.role().label() + " token");
        }
        return caller;
    }
}
