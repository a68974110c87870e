package dev.lethe.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.eclipse.jetty.server.HttpInput;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Counts a request body's bytes as Jetty receives them, whatever the framing, and holds the body to a size and a
 * rate:
 * <ul>
 *   <li>a body sent chunked (no Content-Length, which is all Javalin's own limit checks) fails with {@link TooLarge}
 *       as soon as it passes the size limit, so no more than the limit is ever buffered;</li>
 *   <li>a body that trickles in (a byte every second holds a thread for as long as it lasts) fails with
 *       {@link TooSlow} once fewer than {@code minBytesPerSecond × (t − 1 s)} bytes have come, t seconds after its
 *       first. The grace second is why this is not Jetty's own {@code minRequestDataRate}: that one counts from the
 *       first byte without any, so a small body that had arrived whole failed with a 408 whenever the server took
 *       a few tens of milliseconds to read it (a garbage collection, a busy machine: ServerInputTest on CI).</li>
 * </ul>
 * The count sits in Jetty's input (an {@link HttpInput} interceptor), below every reader of the body (JSON bodies,
 * the sign-in form), and a failure also ends Jetty's own draining of an unread body, which would otherwise read a
 * never-ending chunked stream for as long as it flows; the connection is closed instead.
 */
final class BodyLimit implements Filter {

    /** How much longer than its size at the minimum rate a body may take to arrive. */
    private static final long GRACE_NANOS = 1_000_000_000L;

    private final long maxBytes;
    private final long minBytesPerSecond;

    /** Bodies of at most {@code maxBytes}, arriving at {@code minBytesPerSecond} or faster (0: any rate). */
    BodyLimit(long maxBytes, long minBytesPerSecond) {
        this.maxBytes = maxBytes;
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** The 413 for a body over {@code maxBytes}: it states the limit. */
    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body", "the body is larger than the " + maxBytes + " bytes this server accepts"
                + " (--max-body-bytes)");
    }

    /** The 408 for a body slower than {@code minBytesPerSecond}: it states the rate. */
    static ApiException tooSlow(long minBytesPerSecond) {
        return new ApiException(408, "body", "the body arrived too slowly (under " + minBytesPerSecond
                + " bytes a second on average, --min-body-bytes-per-second); send it at once");
    }

    /** Whether {@code e} (or a cause) is a body that passed the size limit. */
    static boolean tooLargeCausedBy(Throwable e) {
        return cause(e, TooLarge.class);
    }

    /** Whether {@code e} (or a cause) is a body that came slower than the minimum rate. */
    static boolean tooSlowCausedBy(Throwable e) {
        return cause(e, TooSlow.class);
    }

    private static boolean cause(Throwable e, Class<? extends IOException> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Shuts the connection's input once a body is refused: Jetty drains an unread body after the answer for as long
     * as bytes keep arriving (a never-ending chunked stream would hold a thread), and reads end-of-stream instead.
     */
    static void stopReading(jakarta.servlet.http.HttpServletRequest request) {
        Request base = Request.getBaseRequest(request);
        if (base != null && base.getHttpChannel().getEndPoint().getTransport() instanceof SocketChannel channel) {
            try {
                channel.shutdownInput();
            } catch (IOException ignored) {
                // the connection is gone already
            }
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Request base = Request.getBaseRequest(request);
        if (base != null) {
            base.getHttpInput().addInterceptor(new Counter(maxBytes, minBytesPerSecond));
        }
        chain.doFilter(request, response);
    }

    /** The body passed the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("the body is larger than " + max + " bytes", null);
        }
    }

    /** The body came slower than the minimum rate. */
    static final class TooSlow extends IOException {
        TooSlow(long minBytesPerSecond) {
            super("the body arrived slower than " + minBytesPerSecond + " bytes a second", null);
        }
    }

    /** Counts content as it arrives; past the size limit or under the rate, every further read is an error. */
    private static final class Counter implements HttpInput.Interceptor {
        private final long max;
        private final long minRate;
        private long received;
        private long first = Long.MIN_VALUE;

        Counter(long max, long minRate) {
            this.max = max;
            this.minRate = minRate;
        }

        @Override
        public HttpInput.Content readFrom(HttpInput.Content content) {
            if (content.isSpecial()) {
                return content;
            }
            long now = System.nanoTime();
            if (first == Long.MIN_VALUE) {
                first = now;
            }
            received += content.remaining();
            if (received > max) {
                content.skip(content.remaining());
                return new HttpInput.ErrorContent(new TooLarge(max));
            }
            long late = now - first - GRACE_NANOS;
            if (minRate > 0 && late > 0 && received < minRate * (late / 1_000_000L) / 1_000L) {
                content.skip(content.remaining());
                return new HttpInput.ErrorContent(new TooSlow(minRate));
            }
            return content;
        }
    }
}
