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
 * Counts a request body's bytes as Jetty receives them, whatever the framing: a body sent chunked (no
 * Content-Length, which is all Javalin's own limit checks) fails with {@link TooLarge} as soon as it passes the
 * limit, so no more than the limit is ever buffered. The count sits in Jetty's input (an {@link HttpInput}
 * interceptor), below every reader of the body (JSON bodies, the sign-in form), and the failure also ends Jetty's
 * own draining of an unread body, which would otherwise read a never-ending chunked stream for as long as it
 * flows; the connection is closed instead.
 */
final class BodyLimit implements Filter {

    private final long maxBytes;

    BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The 413 for a body over {@code maxBytes}: it states the limit. */
    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "body", "the body is larger than the " + maxBytes + " bytes this server accepts"
                + " (--max-body-bytes)");
    }

    /** Whether {@code e} (or a cause) is a body that passed the limit. */
    static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
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
            base.getHttpInput().addInterceptor(new Counter(maxBytes));
        }
        chain.doFilter(request, response);
    }

    /** The body passed the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("the body is larger than " + max + " bytes", null);
        }
    }

    /** Counts content as it arrives; past the limit, every further read is an error. */
    private static final class Counter implements HttpInput.Interceptor {
        private final long max;
        private long received;

        Counter(long max) {
            this.max = max;
        }

        @Override
        public HttpInput.Content readFrom(HttpInput.Content content) {
            if (content.isSpecial()) {
                return content;
            }
            received += content.remaining();
            if (received > max) {
                content.skip(content.remaining());
                return new HttpInput.ErrorContent(new TooLarge(max));
            }
            return content;
        }
    }
}
