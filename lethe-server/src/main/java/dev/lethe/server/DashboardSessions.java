package dev.lethe.server;

import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.TokenStore;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sign-ins: the cookie carries a random session id, never the admin token. A session lasts
 * {@link #LIFETIME} from sign-in, ends at sign-out, and ends at once when its token is revoked (every use checks
 * that the token is still active). Kept in memory: a restarted server asks browsers to sign in again.
 */
final class DashboardSessions {

    /** How long a sign-in lasts. */
    static final Duration LIFETIME = Duration.ofHours(8);

    private record Session(String tokenName, Instant expires) {
    }

    private final TokenStore tokens;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    DashboardSessions(TokenStore tokens) {
        this.tokens = tokens;
    }

    /** Opens a session for a signed-in token; its id, for the cookie. */
    String open(ApiToken token) {
        dropExpired();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new Session(token.name(), Instant.now().plus(LIFETIME)));
        return id;
    }

    /** The token of a live session: not expired, not signed out, its token still active. */
    Optional<ApiToken> caller(String sessionId) {
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        Optional<ApiToken> token = Instant.now().isBefore(s.expires()) ? tokens.find(s.tokenName()).filter(ApiToken::active)
                : Optional.empty();
        if (token.isEmpty()) {
            sessions.remove(sessionId);
        }
        return token;
    }

    /** Ends a session (sign-out). */
    void close(String sessionId) {
        if (sessionId != null) {
            sessions.remove(sessionId);
        }
    }

    private void dropExpired() {
        Instant now = Instant.now();
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
    }
}
