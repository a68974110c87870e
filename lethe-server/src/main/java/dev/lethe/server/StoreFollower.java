package dev.lethe.server;

import dev.lethe.core.store.ServerLeases;
import dev.lethe.core.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a server on its store's current version when nothing asks it to (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 2): every
 * {@value #FOLLOW_MS} ms it compares the manifest with the version served and loads a version another process
 * switched to (or retries one it could not load), and every second it rewrites the server's lease
 * ({@link ServerLeases}) with the version it answers with, so that {@code lethe audit} can check it. Predictions
 * do not wait for it: each checks the manifest itself ({@link ServedModels#withCurrent}).
 */
final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFollower.class);
    static final long FOLLOW_MS = 200;
    private static final long HEARTBEAT_MS = 1_000;

    private final Store store;
    private final ServedModels models;
    private final String host;
    private final int port;
    private final long pid = ProcessHandle.current().pid();
    private final String startedAt = Instant.now().toString();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lethe-store-follower");
        t.setDaemon(true);
        return t;
    });

    StoreFollower(Store store, ServedModels models, String host, int port) {
        this.store = store;
        this.models = models;
        this.host = host;
        this.port = port;
    }

    /** Writes the first lease and starts following. */
    void start() throws IOException {
        heartbeat();
        timer.scheduleWithFixedDelay(this::follow, FOLLOW_MS, FOLLOW_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::beat, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
    }

    private void follow() {
        try {
            boolean before = models.state().ok();
            int version = models.version();
            models.follow(true);
            if (models.version() != version || models.state().ok() != before) {
                heartbeat(); // tell the audit at once, not at the next beat
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("following the store: {}", e.getMessage());
        }
    }

    private void beat() {
        try {
            heartbeat();
        } catch (IOException | RuntimeException e) {
            LOG.warn("writing the server lease: {}", e.getMessage());
        }
    }

    private synchronized void heartbeat() throws IOException {
        ServedModels.State s = models.state();
        ServerLeases.write(store, new ServerLeases.Lease(pid, host, port, s.servedVersion(), s.ok() ? "ok" : "degraded", startedAt,
                Instant.now().toString()));
    }

    /** Stops following and removes the lease. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            ServerLeases.delete(store, pid, port);
        } catch (IOException e) {
            LOG.warn("removing the server lease: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
