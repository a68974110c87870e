package dev.lethe.server;

import dev.lethe.core.jdbc.DatabaseException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How every endpoint is run: the caller is authenticated and authorised, a JSON body's type is checked, and
 * whatever goes wrong becomes a JSON answer that a client can act on: 4xx with the field at fault; 408/413 for
 * bodies too slow or too large (the connection then closes); 503 with {@code Retry-After} when the ledger's database
 * is busy or unreachable, saying whether a write was recorded; and for anything else a 500 with only a generic
 * message and an error id, the detail (database URLs redacted) staying in the server log under that id.
 */
final class EndpointHandler {

    /** The request attribute that names the authenticated principal (for the access log). */
    static final String PRINCIPAL = "lethe.principal";

    private static final Logger LOG = LoggerFactory.getLogger(LetheServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authenticator auth;
    private final ServerMetrics metrics;
    private final long maxBodyBytes;
    private final long minRate;

    EndpointHandler(Authenticator auth, ServerMetrics metrics, long maxBodyBytes, long minRate) {
        this.auth = auth;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.minRate = minRate;
    }

    /**
     * Answers 413 or 408 when {@code x} is {@link BodyLimit}'s refusal of a body too large or too slow, closing the
     * connection and its input; false when it is something else.
     */
    private boolean refusedBody(Context ctx, Exception x) {
        ApiException refusal = BodyLimit.tooLargeCausedBy(x) ? BodyLimit.tooLarge(maxBodyBytes)
                : BodyLimit.tooSlowCausedBy(x) ? BodyLimit.tooSlow(minRate) : null;
        if (refusal == null) {
            return false;
        }
        ctx.header("Connection", "close");
        error(ctx, refusal.status(), refusal.field(), refusal.getMessage());
        BodyLimit.stopReading(ctx.req());
        return true;
    }

    /** Runs an endpoint for one request and turns every failure into its JSON answer. */
    void handle(Endpoint e, Context ctx) {
        long start = System.nanoTime();
        try {
            if ("https".equals(ctx.scheme())) {
                ctx.header("Strict-Transport-Security", "max-age=31536000");
            }
            Caller caller = auth.require(ctx, e.access());
            ctx.attribute(PRINCIPAL, caller.name());
            requireJsonBody(e, ctx);
            e.action().handle(ctx, caller);
        } catch (Authenticator.LoginRequired x) {
            if (x.staleCookie()) {
                LoginPage.clearCookie(ctx);
            }
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        } catch (ApiException x) {
            if (x instanceof AuthFailures.TooMany tooMany) {
                ctx.header("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
            }
            error(ctx, x.status(), x.field(), x.getMessage());
        } catch (HttpResponseException x) {
            if (x.getStatus() == 413) {
                ApiException tooLarge = BodyLimit.tooLarge(maxBodyBytes);
                ctx.header("Connection", "close");
                error(ctx, 413, tooLarge.field(), tooLarge.getMessage());
            } else {
                error(ctx, x.getStatus(), null, x.getMessage());
            }
        } catch (DatabaseException x) {
            // the detail (redacted all the same) stays in the log; the caller gets an id to quote
            String id = errorId();
            LOG.error("[error {}] {} {}: {}", id, e.method(), e.path(), x.getMessage(), x);
            ctx.header("Retry-After", "5");
            error(ctx, 503, null, unavailable(e, x) + " (error id " + id + ")", id);
        } catch (BadMessageException x) {
            // Jetty refused the request as it read it (a malformed body), or BodyLimit did while Jetty parsed a form
            if (!refusedBody(ctx, x)) {
                ctx.header("Connection", "close");
                error(ctx, x.getCode(), "body", "the request could not be read: " + x.getReason());
            }
        } catch (Exception x) {
            if (refusedBody(ctx, x)) {
                return;
            }
            String id = errorId();
            LOG.error("[error {}] {} {} failed: {}", id, e.method(), e.path(), x.getMessage(), x);
            error(ctx, 500, null, "internal error; the server log has the details (error id " + id + ")", id);
        } finally {
            metrics.httpRequest(e.method().name(), e.path(), ctx.statusCode(), (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * An endpoint that takes a JSON body refuses a body declared as something else (415); a request without a
     * Content-Type is read as JSON.
     */
    private static void requireJsonBody(Endpoint e, Context ctx) {
        String type = ctx.contentType();
        if (e.requestSchema() == null || type == null) {
            return;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!media.equals("application/json") && !media.endsWith("+json")) {
            throw new ApiException(415, "Content-Type", e.method() + " " + e.path() + " takes application/json, not '"
                    + media + "'; send the header 'Content-Type: application/json'");
        }
    }

    /** What a caller may conclude from a database failure: a write is "not recorded" only when it rolled back. */
    private static String unavailable(Endpoint e, DatabaseException x) {
        String what = x.transientFailure() ? "the ledger database is busy or unreachable" : "the ledger database failed";
        if (e.method() == HandlerType.GET) {
            return what + "; try again shortly";
        }
        return x.outcome() == DatabaseException.Outcome.NOT_WRITTEN
                ? what + "; the request was not recorded, try again shortly"
                : what + " while committing; the request may have been recorded: retry with the same idempotencyKey,"
                        + " or look it up before submitting again";
    }

    static void error(Context ctx, int status, String field, String message) {
        error(ctx, status, field, message, null);
    }

    /** The error document; a 5xx carries the id under which the server log holds the detail. */
    private static void error(Context ctx, int status, String field, String message, String errorId) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", message);
        doc.put("field", field);
        if (errorId != null) {
            doc.put("errorId", errorId);
        }
        ctx.status(status).json(doc);
    }

    private static String errorId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
