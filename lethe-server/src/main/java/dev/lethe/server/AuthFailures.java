package dev.lethe.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per client address: each is logged with the token's id prefix (the 12 hex digits before
 * the secret, or "malformed") and the peer, never the secret; an address with {@code max} failures within
 * {@link #WINDOW_NANOS} is refused with a 429 before its token is even looked up, until the window has passed.
 */
final class AuthFailures {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(AuthFailures.class);

    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final int max;

    AuthFailures(int max) {
        this.max = max;
    }

    /** Refuses (429) an address that failed too often lately; call before any database lookup. */
    void requireAllowed(String peer) {
        Deque<Long> times = failures.get(peer);
        if (times == null) {
            return;
        }
        synchronized (times) {
            prune(times, System.nanoTime());
            if (times.size() >= max) {
                long retry = Math.max(1, (times.peekFirst() + WINDOW_NANOS - System.nanoTime()) / 1_000_000_000L + 1);
                throw new TooMany(retry);
            }
        }
    }

    /** Records and logs a failed authentication. */
    void failed(String peer, String presented, String where) {
        long now = System.nanoTime();
        Deque<Long> times = failures.computeIfAbsent(peer, p -> new ArrayDeque<>());
        int count;
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
            count = times.size();
        }
        LOG.warn("authentication failed: token {} from {} on {} ({} failure(s) from this address in the last minute{})",
                tokenId(presented), peer, where, count, count >= max ? "; further attempts refused for a minute" : "");
        if (failures.size() > 10_000) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    /** The token's public id, safe to log: {@code lethe_<id>_…}, else "malformed" or "none". */
    static String tokenId(String presented) {
        if (presented == null || presented.isEmpty()) {
            return "none";
        }
        if (presented.startsWith("lethe_") && presented.length() > 19 && presented.charAt(18) == '_'
                && presented.substring(6, 18).matches("[0-9a-f]{12}")) {
            return "id " + presented.substring(6, 18);
        }
        return "malformed";
    }

    private static void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() > WINDOW_NANOS) {
            times.pollFirst();
        }
    }

    /** Too many failures from one address: a 429 with Retry-After. */
    static final class TooMany extends ApiException {
        private final long retryAfterSeconds;

        TooMany(long retryAfterSeconds) {
            super(429, "Authorization", "too many failed sign-ins from your address; try again in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
