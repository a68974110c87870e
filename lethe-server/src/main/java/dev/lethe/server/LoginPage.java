package dev.lethe.server;

import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a browser opens the dashboard, which cannot send a Bearer header: {@code GET /login} is a form for an admin
 * token; {@code POST /login} checks it against the {@link TokenStore} (hashed, compared in constant time) and sets
 * an HttpOnly, SameSite=Strict cookie carrying a server-side session id (never the token: {@link DashboardSessions},
 * 8 hours), which {@link Authenticator} accepts on {@link Access#DASHBOARD} endpoints only; {@code POST /logout}
 * ends the session. A revoked token's sessions stop working at once.
 */
final class LoginPage {

    /** The dashboard cookie's name. */
    static final String COOKIE = "lethe_dashboard";

    private final TokenStore tokens;
    private final DashboardSessions sessions;
    private final AuthFailures failures;

    LoginPage(TokenStore tokens, DashboardSessions sessions, AuthFailures failures) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.failures = failures;
    }

    List<Endpoint> endpoints() {
        return List.of(
                new Endpoint(HandlerType.GET, "/login", Access.PUBLIC, "Dashboard sign-in form (HTML)", List.of(), null,
                        Map.of(200, "an HTML form"), (ctx, caller) -> form(ctx, 200, "")),
                new Endpoint(HandlerType.POST, "/login", Access.PUBLIC,
                        "Dashboard sign-in: an admin token, as the HTML form field 'token', becomes an HttpOnly cookie",
                        List.of(), null, Map.of(303, "signed in: to the dashboard, with the cookie",
                        401, "the form again: the token is unknown or revoked", 403, "the form again: not an admin token"),
                        this::signIn),
                new Endpoint(HandlerType.POST, "/logout", Access.DASHBOARD, "Dashboard sign-out: clears the cookie",
                        List.of(), null, Map.of(303, "to the sign-in form"), (ctx, caller) -> signOut(ctx)));
    }

    private void signOut(Context ctx) {
        sessions.close(ctx.cookie(COOKIE));
        clearCookie(ctx);
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void signIn(Context ctx, Caller caller) {
        String secret = Optional.ofNullable(ctx.formParam("token")).orElse("").trim();
        failures.requireAllowed(ctx.ip());
        Optional<ApiToken> token = tokens.authenticate(secret);
        if (token.isEmpty()) {
            failures.failed(ctx.ip(), secret, "POST /login");
            form(ctx, 401, "That token is unknown or revoked.");
        } else if (!new Caller(token.get().name(), token.get().role()).admin()) {
            form(ctx, 403, "The dashboard needs an admin token; '" + token.get().name() + "' is a "
                    + token.get().role().label() + " token.");
        } else {
            ctx.header("Set-Cookie", cookie(ctx, sessions.open(token.get()), "; Max-Age=" + DashboardSessions.LIFETIME.toSeconds()));
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        }
    }

    /** Tells the browser to drop the dashboard cookie. */
    static void clearCookie(Context ctx) {
        ctx.header("Set-Cookie", cookie(ctx, "", "; Max-Age=0"));
    }

    /**
     * The dashboard cookie: Secure when the request came over HTTPS (directly, or through a trusted proxy) and
     * otherwise too unless the server was told to leave it off ({@code --insecure-cookies}, for plain HTTP on
     * a development machine).
     */
    private static String cookie(Context ctx, String value, String extra) {
        boolean secure = "https".equals(ctx.scheme()) || !Boolean.TRUE.equals(ctx.attribute(INSECURE_COOKIES));
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + extra + (secure ? "; Secure" : "");
    }

    /** A request attribute the server sets when cookies may go without Secure over plain HTTP. */
    static final String INSECURE_COOKIES = "lethe.insecureCookies";

    private static void form(Context ctx, int status, String error) {
        Html.send(ctx, status, "Lethe: sign in", "<h1>Lethe dashboard</h1>"
                + (error.isEmpty() ? "" : "<p class=\"error\" id=\"login-error\">" + Html.escape(error) + "</p>")
                + "<form method=\"post\" action=\"/login\"><p><label>Admin token <input type=\"password\" name=\"token\""
                + " size=\"70\" autocomplete=\"off\" required></label></p><p><button type=\"submit\">Sign in</button></p>"
                + "</form><p>Issue one with <code>lethe tokens create --store DIR --name NAME --role admin</code>.</p>");
    }
}
