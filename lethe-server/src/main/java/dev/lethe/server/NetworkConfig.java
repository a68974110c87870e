package dev.lethe.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the server meets the network: limits against slow and greedy clients, TLS, and the proxies it trusts.
 *
 * @param maxRequestsPerClient the most requests one client address may have in progress at once
 * @param minBodyBytesPerSecond   the slowest a request body may arrive, on average after a grace second, before it is
 *                                cut off (408); 0: any rate
 * @param idleTimeout             how long a connection may stay silent
 * @param tlsCert                 a PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param tlsKey                  the PEM private key (PKCS#8) of {@code tlsCert}, or null
 * @param trustedProxies          addresses of reverse proxies whose {@code X-Forwarded-*} / {@code Forwarded}
 *                                headers are believed (the client's address and scheme); empty: none
 * @param insecureCookies         true to leave {@code Secure} off the dashboard cookie over plain HTTP
 *                                (a development server on localhost); HTTPS requests always get it
 * @param maxAuthFailures         failed authentications one address may make in a minute before it is refused (429)
 */
public record NetworkConfig(int maxRequestsPerClient, long minBodyBytesPerSecond, Duration idleTimeout,
                            Path tlsCert, Path tlsKey, List<String> trustedProxies, boolean insecureCookies,
                            int maxAuthFailures) {

    /**
     * Defaults: 32 requests in progress per client, 1,024 body bytes a second, 30 s idle, plain HTTP, no proxies,
     * Secure cookies, 10 failed authentications a minute per address.
     */
    public static NetworkConfig defaults() {
        return new NetworkConfig(32, 1_024, Duration.ofSeconds(30), null, null, List.of(), false, 10);
    }

    public NetworkConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        trustedProxies = List.copyOf(trustedProxies);
        if (maxAuthFailures < 1) {
            throw new IllegalArgumentException("maxAuthFailures must be at least 1, got " + maxAuthFailures);
        }
        if (maxRequestsPerClient < 1 || minBodyBytesPerSecond < 0 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("maxRequestsPerClient must be at least 1, minBodyBytesPerSecond at least 0"
                    + " and idleTimeout positive");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
        }
    }

    /** Whether the server speaks HTTPS itself. */
    public boolean tls() {
        return tlsCert != null;
    }

    public NetworkConfig withMaxRequestsPerClient(int n) {
        return new NetworkConfig(n, minBodyBytesPerSecond, idleTimeout, tlsCert, tlsKey, trustedProxies, insecureCookies, maxAuthFailures);
    }

    public NetworkConfig withMaxAuthFailures(int n) {
        return new NetworkConfig(maxRequestsPerClient, minBodyBytesPerSecond, idleTimeout, tlsCert, tlsKey, trustedProxies,
                insecureCookies, n);
    }

    public NetworkConfig withMinBodyBytesPerSecond(long n) {
        return new NetworkConfig(maxRequestsPerClient, n, idleTimeout, tlsCert, tlsKey, trustedProxies, insecureCookies, maxAuthFailures);
    }

    public NetworkConfig withTls(Path cert, Path key) {
        return new NetworkConfig(maxRequestsPerClient, minBodyBytesPerSecond, idleTimeout, cert, key, trustedProxies,
                insecureCookies, maxAuthFailures);
    }

    public NetworkConfig withTrustedProxies(List<String> proxies) {
        return new NetworkConfig(maxRequestsPerClient, minBodyBytesPerSecond, idleTimeout, tlsCert, tlsKey, proxies,
                insecureCookies, maxAuthFailures);
    }

    public NetworkConfig withInsecureCookies(boolean insecure) {
        return new NetworkConfig(maxRequestsPerClient, minBodyBytesPerSecond, idleTimeout, tlsCert, tlsKey,
                trustedProxies, insecure, maxAuthFailures);
    }
}
