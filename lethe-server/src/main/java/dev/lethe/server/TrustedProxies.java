package dev.lethe.server;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

import java.util.Set;

/**
 * Believes {@code Forwarded} / {@code X-Forwarded-*} headers (client address, scheme, host) only from the
 * reverse proxies named with {@code --trusted-proxy}: from anyone else they are ignored, so a client cannot claim
 * another address (and dodge the per-address limits) or claim HTTPS.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {

    private final Set<String> proxies;
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    TrustedProxies(Set<String> proxies) {
        this.proxies = Set.copyOf(proxies);
    }

    @Override
    public void customize(Connector connector, HttpConfiguration config, Request request) {
        if (proxies.contains(request.getRemoteAddr())) {
            forwarded.customize(connector, config, request);
        }
    }
}
