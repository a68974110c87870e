package dev.lethe.server;

import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code max} open connections per client address: a further connection from the same address is closed
 * as soon as it opens, so one client cannot hold all of Jetty's threads with slow requests (the minimum body data
 * rate then ends the slow ones it may keep). Registered as a bean on the connectors; the refusals are logged at
 * most once a minute per address.
 */
final class ConnectionLimits implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int max;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, AtomicLong> lastLogged = new ConcurrentHashMap<>();

    ConnectionLimits(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress client = address(connection.getEndPoint().getRemoteSocketAddress());
        if (client == null) {
            return;
        }
        int now = open.computeIfAbsent(client, a -> new AtomicInteger()).incrementAndGet();
        if (now > max) {
            log(client, now);
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress client = address(connection.getEndPoint().getRemoteSocketAddress());
        if (client != null) {
            open.computeIfPresent(client, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private void log(InetAddress client, int count) {
        AtomicLong last = lastLogged.computeIfAbsent(client, a -> new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS));
        long at = last.get();
        if (System.nanoTime() - at >= LOG_EVERY_NANOS && last.compareAndSet(at, System.nanoTime())) {
            LOG.warn("{} opened {} connections at once; more than {} are closed as they open (--max-connections-per-client)",
                    client.getHostAddress(), count, max);
        }
    }

    private static InetAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
