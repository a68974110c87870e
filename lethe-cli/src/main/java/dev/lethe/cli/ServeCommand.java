package dev.lethe.cli;

import dev.lethe.server.LetheServer;
import dev.lethe.server.NetworkConfig;
import dev.lethe.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lethe serve}: the REST service over a SISA store until the process is stopped. A stop (SIGTERM, Ctrl-C)
 * lets the running batch finish; a kill leaves it to the next start, which finishes it first.
 */
@Command(name = "serve", footer = {"%nExample:", "  lethe serve --store sisa-store --port 8080"}, mixinStandardHelpOptions = true,
        description = {"Serve a SISA store over HTTP: forget requests, predictions, the current model, audits, metrics.",
                "Every endpoint but /v1/health needs a token ('lethe tokens create'); /v1/openapi.json describes them.",
                "The dashboard is at / (sign in at /login with an admin token)."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The SISA store to serve.")
    Path store;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (0: any free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Mixin
    LedgerDbOptions db;

    @Mixin
    EngineOptions engine;

    @Option(names = "--max-ids", defaultValue = "1000", description = "Most ids one forget request may name. Default: ${DEFAULT-VALUE}.")
    int maxIds;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Largest request body (larger: 413). Default: ${DEFAULT-VALUE}.")
    long maxBodyBytes;

    @Option(names = "--batch-window-ms", defaultValue = "500",
            description = "How long the worker waits for more requests to join a batch. Default: ${DEFAULT-VALUE}.")
    long batchWindowMs;

    @Mixin
    ReasonRetentionOption reasonRetention;

    @Option(names = "--max-requests-per-client", defaultValue = "32",
            description = "Most requests one client address may have in progress at once; more are refused (429). Default: ${DEFAULT-VALUE}.")
    int maxRequestsPerClient;

    @Option(names = "--min-body-bytes-per-second", defaultValue = "1024",
            description = "Slowest average rate a request body may arrive at, after a grace second, before it is cut off (408). Default: ${DEFAULT-VALUE}.")
    long minBodyBytesPerSecond;

    @Option(names = "--max-auth-failures", defaultValue = "10",
            description = "Failed authentications one address may make in a minute before it gets 429. Default: ${DEFAULT-VALUE}.")
    int maxAuthFailures;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (PEM); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8 PEM, 'BEGIN PRIVATE KEY').")
    Path tlsKey;

    @Option(names = "--trusted-proxy", paramLabel = "ADDRESS", split = ",",
            description = "A reverse proxy whose Forwarded / X-Forwarded-* headers (client address, https) are believed; repeatable.")
    java.util.List<String> trustedProxies = new java.util.ArrayList<>();

    @Option(names = "--insecure-cookies",
            description = "Leave Secure off the dashboard cookie over plain HTTP (a development server on localhost only).")
    boolean insecureCookies;

    @Override
    public Integer call() throws Exception {
        Duration retention = reasonRetention.retention();
        PrintWriter out = spec.commandLine().getOut();
        ServerConfig config = ServerConfig.defaults(store, host, port).withJdbcUrl(db.url()).withDbPassword(db.password()).withMaxIds(maxIds)
                .withMaxBodyBytes(maxBodyBytes).withBatchWindow(Duration.ofMillis(batchWindowMs))
                .withNetwork(NetworkConfig.defaults().withMaxRequestsPerClient(maxRequestsPerClient)
                        .withMinBodyBytesPerSecond(minBodyBytesPerSecond).withMaxAuthFailures(maxAuthFailures)
                        .withTls(tlsCert, tlsKey).withTrustedProxies(trustedProxies).withInsecureCookies(insecureCookies))
                .withReasonRetention(retention);
        dev.lethe.torch.sisa.ShardExecutor executor = engine.executor();
        LetheServer server = LetheServer.start(config, executor);
        if (engine.chosen()) {
            out.printf("shards retrain on engine %s%n", EngineOptions.describe(executor));
            out.flush();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "lethe-serve-shutdown"));
        out.printf("lethe serve: listening on %s://%s:%d/v1 (store %s)%n", tlsCert != null ? "https" : "http", host,
                server.port(), store.toAbsolutePath());
        server.registeredRoutes().forEach(r -> out.println("  " + r));
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
