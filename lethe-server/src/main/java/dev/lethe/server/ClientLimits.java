package dev.lethe.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code max} requests in progress per client address: a request beyond that is answered 429 at once,
 * before its body is read, and its connection closed, so one client cannot hold all of Jetty's threads with slow
 * bodies (the minimum body data rate then ends the slow ones it may keep). Idle keep-alive connections hold no
 * thread and are not counted. The client address is the one Jetty reports, which is the forwarded one for a
 * trusted proxy. Refusals are logged at most once a minute per address.
 */
final class ClientLimits implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLimits.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

    ClientLimits(int max) {
        this.max = max;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String client = request.getRemoteAddr();
        AtomicInteger count = inFlight.compute(client, (a, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            c.incrementAndGet();
            return c;
        });
        try {
            if (count.get() > max) {
                refuse(client, count.get(), (HttpServletResponse) response);
                return;
            }
            chain.doFilter(request, response);
        } finally {
            inFlight.computeIfPresent(client, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private void refuse(String client, int count, HttpServletResponse response) throws IOException {
        AtomicLong last = lastLogged.computeIfAbsent(client, a -> new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS));
        long at = last.get();
        if (System.nanoTime() - at >= LOG_EVERY_NANOS && last.compareAndSet(at, System.nanoTime())) {
            LOG.warn("{} has {} requests in progress at once; more than {} are refused (--max-requests-per-client)",
                    client, count, max);
        }
        response.setStatus(429);
        response.setHeader("Retry-After", "1");
        response.setHeader("Connection", "close");
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"error\":\"too many requests in progress from your address; at most " + max
                + " at once\",\"field\":null}").getBytes(StandardCharsets.UTF_8));
    }
}
