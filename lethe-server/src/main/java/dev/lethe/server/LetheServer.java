package dev.lethe.server;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.PrivateFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.server.auth.TokenStore;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.ShardExecutors;
import dev.lethe.torch.sisa.SisaService;
import io.javalin.Javalin;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.servlet.FilterHolder;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lethe as a service (docs/ARCHITECTURE.md#modules): the REST API over a SISA store, its ledger and its tokens, with the
 * background {@link ForgetWorker}. Every route is an {@link Endpoint}; the server registers each one behind the
 * {@link Authenticator} and the metrics, and {@code /v1/openapi.json} describes the same list.
 */
public final class LetheServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LetheServer.class);
    /** The access log: one line per request (logger {@code lethe.access}). */
    private static final Logger ACCESS = LoggerFactory.getLogger("lethe.access");

    private final Ledger ledger;
    private final TokenStore tokens;
    private final ServedModels models;
    private final ForgetWorker worker;
    private final Store store;
    private StoreFollower follower;
    private final Javalin app;
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private LedgerLease lease;

    private LetheServer(ServerConfig config, Store store, Ledger ledger, TokenStore tokens, DashboardSessions sessions,
                        AuthFailures failures, ServedModels models, ForgetWorker worker, List<Endpoint> endpoints, ServerMetrics metrics) {
        this.store = store;
        this.ledger = ledger;
        this.tokens = tokens;
        this.models = models;
        this.worker = worker;
        EndpointHandler handler = new EndpointHandler(new Authenticator(tokens, sessions, failures), metrics,
                config.maxBodyBytes(), config.network().minBodyBytesPerSecond());
        ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            NetworkConfig network = config.network();
            // a slow body (one byte every few seconds) is cut off with a 408 by BodyLimit, not by Jetty's own rate check
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(network.idleTimeout().toMillis());
                if (!network.trustedProxies().isEmpty()) {
                    http.addCustomizer(new TrustedProxies(java.util.Set.copyOf(network.trustedProxies())));
                }
            });
            if (network.tls()) {
                cfg.jetty.addConnector((server, http) -> Tls.connector(server, http, config.host(), config.port(),
                        network.tlsCert(), network.tlsKey()));
            }
            cfg.jetty.modifyServletContextHandler(context -> {
                context.addFilter(new FilterHolder(new ClientLimits(network.maxRequestsPerClient())), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
                context.addFilter(new FilterHolder(new BodyLimit(config.maxBodyBytes(), network.minBodyBytesPerSecond())), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
            });
            cfg.jsonMapper(new JavalinJackson(json, false));
            // one line per request: peer, principal, method, path (never the query or a body), status, time
            cfg.requestLogger.http((ctx, ms) -> ACCESS.info("{} {} {} {} {} {} ms", ctx.ip(),
                    Objects.requireNonNullElse(ctx.attribute(EndpointHandler.PRINCIPAL), "-"), ctx.method(), ctx.path(), ctx.status().getCode(),
                    String.format(java.util.Locale.ROOT, "%.1f", ms)));
            cfg.events.handlerAdded(info -> registered.add(info.getHttpMethod().name() + " " + info.getPath()));
        });
        for (Endpoint e : endpoints) {
            app.addHttpHandler(e.method(), e.path(), ctx -> {
                if (config.network().insecureCookies()) {
                    ctx.attribute(LoginPage.INSECURE_COOKIES, true);
                }
                handler.handle(e, ctx);
            });
        }
        // every answer is JSON, an unknown route's too
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) {
                EndpointHandler.error(ctx, 404, null, "no endpoint " + ctx.method() + " " + ctx.path() + "; /v1/openapi.json lists them");
            }
        });
    }

    /**
     * Opens the store, its ledger and tokens, loads the current model, starts the worker (which first finishes
     * whatever a previous process left pending) and listens; the worker retrains shards in this process.
     */
    public static LetheServer start(ServerConfig config) throws IOException {
        return start(config, ShardExecutors.local());
    }

    /** {@link #start(ServerConfig)}, with the worker's shard retraining done by {@code executor} (a Spark cluster, ...). */
    public static LetheServer start(ServerConfig config, ShardExecutor executor) throws IOException {
        Store store = Store.open(config.store());
        if (config.jdbcUrl() == null) {
            // the ledger holds request reasons (often names, e-mail addresses): refuse one that others can read
            for (String suffix : new String[]{"", "-wal", "-shm"}) {
                PrivateFiles.requirePrivate(store.root().resolve("ledger.db" + suffix));
            }
        }
        StoreManifest manifest = store.readManifest();
        SisaConfig sisa = SisaService.config(manifest);
        // Retraining must use the thread count the checkpoints were trained with, or bits could differ.
        TorchRuntime.start(sisa.threads());
        Device device = Device.cpu();
        LedgerLease lease = LedgerLease.acquire(config.ledgerTarget());
        Ledger ledger;
        try {
            ledger = Ledger.open(config.ledgerUrl(), null, config.ledgerTarget().password(), config.maxIds())
                    .reasonRetention(config.reasonRetention());
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
        TokenStore tokens = null;
        ServedModels models = null;
        try {
            if (config.jdbcUrl() != null) {
                adoptFreshLedger(store, ledger);
            }
            tokens = TokenStore.open(config.ledgerTarget());
            models = new ServedModels(store, device);
            ServedModels served = models;
            ForgetService service = new ForgetService(store, device, ledger).executor(executor).onSwitch(served::refresh);
            ServerMetrics metrics = new ServerMetrics(() -> ledger.pending().size(), served::version);
            PendingRequests pending = new PendingRequests(ledger);
            // only the lease holder processes batches: a server that lost its lease to another one leaves them to it
            ForgetWorker.Batch batches = () -> lease == null || lease.held() ? service.process() : List.of();
            ForgetWorker worker = new ForgetWorker(batches, ledger, config.batchWindow(), metrics,
                    () -> {
                        pending.changed();
                        served.refresh(store.readManifest());
                    }, ForgetWorker.Retry.defaults(),
                    reason -> failUnapplied(store, ledger, reason));
            int width = Arrays.stream(manifest.model().inputShape()).reduce(1, Math::multiplyExact);
            List<Endpoint> endpoints = new ArrayList<>();
            endpoints.addAll(new ModelsApi(store, served, pending).endpoints());
            for (Endpoint e : new ForgetRequestsApi(service, ledger, () -> {
                pending.changed();
                worker.wake();
            }, config.maxIds()).endpoints()) {
                endpoints.add(e.method() == HandlerType.POST ? whileWorkerRuns(e, worker) : e);
            }
            // a store answers predictions or generates text, as its data says; the other endpoint says why not
            boolean languageModel = manifest.dataset().holdsTokens();
            endpoints.addAll(new PredictApi(served, manifest.dataset().classNames(), width, manifest.sisa().aggregation(),
                    config.maxPredictBatch(), pending, manifest.dataset().encoding(), languageModel ? "this store serves a language model ("
                    + manifest.model().spec() + "): it predicts no classes; ask POST /v1/generate with a prompt" : null).endpoints());
            endpoints.addAll(new GenerateApi(served, languageModel ? SisaService.tokenizer(manifest) : null,
                    "this store serves a classifier (" + manifest.model().spec() + "): it generates no text; ask POST /v1/predict"
                            + " with feature vectors", pending).endpoints());
            endpoints.addAll(new AuditApi(store, ledger).endpoints());
            endpoints.addAll(new TokensApi(tokens).endpoints());
            endpoints.add(metrics.endpoint());
            endpoints.add(new ReadinessApi(ledger, tokens, worker, lease).endpoint());
            ReportPlots reports = new ReportPlots(store);
            endpoints.add(new DashboardPage(store, ledger, served, reports).endpoint());
            endpoints.add(new DashboardCharts(store).endpoint());
            endpoints.add(reports.endpoint());
            DashboardSessions sessions = new DashboardSessions(tokens);
            AuthFailures failures = new AuthFailures(config.network().maxAuthFailures());
            endpoints.addAll(new LoginPage(tokens, sessions, failures).endpoints());
            endpoints.add(OpenApiDocument.endpoint(endpoints));
            LetheServer server = new LetheServer(config, store, ledger, tokens, sessions, failures, served, worker, List.copyOf(endpoints),
                    metrics);
            server.lease = lease;
            server.listen(config);
            LOG.info("lethe server on {}:{} serving model version {} of {} ({} endpoints)", config.host(),
                    server.port(), served.version(), store.root(), endpoints.size());
            return server;
        } catch (IOException | RuntimeException e) {
            if (models != null) {
                models.close();
            }
            if (tokens != null) {
                tokens.close();
            }
            ledger.close();
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
    }

    /**
     * A store served with an external ledger (PostgreSQL) for the first time: its manifest names the newest
     * event of the ledger it was trained with (its own {@code ledger.db}), which the new, empty ledger cannot
     * hold, so the audit would report lost events. The new ledger's first event records the store's adoption
     * with that previous head (so the trail stays traceable), and the manifest then names the adoption event.
     * A non-empty external ledger without the manifest's head is left alone: that is what the audit exists to
     * report (a wrong database, or lost events).
     */
    private static void adoptFreshLedger(Store store, Ledger ledger) throws IOException {
        try (StoreLock lock = StoreLock.acquire(store)) {
            StoreManifest manifest = store.readManifest();
            String previous = manifest.ledgerHead();
            if (previous == null || ledger.head().isPresent()) {
                return;
            }
            String head = ledger.append("store.adopted", null, SisaService.LOCAL_PRINCIPAL,
                    Map.of("previousLedgerHead", previous, "previousLedger", "ledger.db in the store")).hash();
            store.writeManifest(manifest.withLedgerHead(head));
            // the new ledger holds no digests yet: it records the store's key as in force from here on
            KeyRotation.forWriting(store, ledger);
            LOG.info("ledger: adopted store {} (previous ledger head {}…)", store.root(), previous.substring(0, 12));
        }
    }

    /**
     * Marks FAILED the pending requests the current model does not already reflect (a request whose version was
     * switched in is erased and only awaits its receipt: that one stays pending).
     */
    private static void failUnapplied(Store store, Ledger ledger, String reason) throws IOException {
        java.util.Set<String> applied = java.util.Set.copyOf(store.readManifest().current().requests());
        for (var r : ledger.pending()) {
            if (!applied.contains(r.id())) {
                ledger.fail(r.id(), reason);
            }
        }
    }

    /** Intake only while the worker runs: a request accepted with no worker would wait forever. */
    private static Endpoint whileWorkerRuns(Endpoint e, ForgetWorker worker) {
        return new Endpoint(e.method(), e.path(), e.access(), e.summary(), e.queryParams(), e.requestSchema(),
                e.responses(), (ctx, caller) -> {
            if (!worker.running()) {
                ctx.header("Retry-After", "30");
                throw new ApiException(503, null, "the forget worker is not running, so no request is accepted;"
                        + " the server log says why");
            }
            e.action().handle(ctx, caller);
        });
    }

    /**
     * Starts the HTTP server, then the store follower (which registers the server's lease) and the worker; stops
     * the HTTP server again if either cannot start.
     */
    private void listen(ServerConfig config) throws IOException {
        app.start(config.host(), config.port());

        try {
            follower = new StoreFollower(store, models, config.host(), app.port());
            follower.start();
            worker.start();
        } catch (IOException | RuntimeException e) {
            if (follower != null) {
                follower.close();
            }
            app.stop();
            throw e;
        }
    }

    /** The port the server listens on (the one picked when the config asked for 0). */
    public int port() {
        return app.port();
    }

    /** Every route registered with the HTTP server, as {@code METHOD /path}. */
    public List<String> registeredRoutes() {
        return List.copyOf(registered);
    }

    /** Stops listening, lets the running batch finish, and closes the model, tokens and ledger. */
    @Override
    public void close() throws InterruptedException {
        app.stop();
        try {
            follower.close();
            worker.close();
        } finally {
            models.close();
            tokens.close();
            ledger.close();
            if (lease != null) {
                lease.close();
            }
        }
    }
}
