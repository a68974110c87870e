package dev.lethe.server;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The background thread that processes forget requests: when requests are pending it waits one batch window
 * for more to arrive, then hands them all to {@link ForgetService#process()} as one batch (each affected shard
 * retrains once). Requests a killed server left queued or running are pending too, so a restarted server
 * finishes them first. A failed batch is logged and retried after the window; its requests stay pending.
 */
final class ForgetWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForgetWorker.class);
    private static final long IDLE_POLL_MS = 1_000;

    /** One batch's work: what {@link ForgetService#process()} does. */
    interface Batch {
        List<Receipt> process() throws Exception;
    }

    private final Batch service;
    private final Ledger ledger;
    private final Duration window;
    private final ServerMetrics metrics;
    private final Runnable afterBatch;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean stopping;

    ForgetWorker(Batch service, Ledger ledger, Duration window, ServerMetrics metrics, Runnable afterBatch) {
        this.service = service;
        this.ledger = ledger;
        this.window = window;
        this.metrics = metrics;
        this.afterBatch = afterBatch;
        this.thread = new Thread(this::loop, "lethe-forget-worker");
    }

    void start() {
        thread.start();
    }

    /** Whether the worker's thread is alive (readiness). */
    boolean running() {
        return thread.isAlive() && !stopping;
    }

    /** Tells the worker a request was accepted. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        try {
            while (!stopping) {
                try {
                    if (ledger.pending().isEmpty()) {
                        await(IDLE_POLL_MS);
                        continue;
                    }
                    pause(window.toMillis());
                    if (!stopping) {
                        runBatch();
                    }
                } catch (RuntimeException | Error e) {
                    // The ledger's database may be unreachable for a while, or an OutOfMemoryError hit this thread:
                    // log, wait, try again; the thread must not die while intake keeps accepting requests.
                    LOG.error("forget worker: {}", e.getMessage(), e);
                    pause(IDLE_POLL_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runBatch() throws InterruptedException {
        long start = System.nanoTime();
        try {
            List<Receipt> receipts = service.process();
            metrics.batchDone((System.nanoTime() - start) / 1e9, receipts.size());
            LOG.info("forget batch: {} request(s) done in {} s", receipts.size(), (System.nanoTime() - start) / 1e9);
        } catch (Exception | Error e) {
            metrics.batchFailed();
            LOG.error("forget batch failed, will retry: {}", e.getMessage(), e);
            pause(Math.max(window.toMillis(), IDLE_POLL_MS));
        } finally {
            afterBatch.run();
        }
    }

    private void await(long millis) throws InterruptedException {
        synchronized (signal) {
            if (!woken && !stopping) {
                signal.wait(millis);
            }
            woken = false;
        }
    }

    private void pause(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        synchronized (signal) {
            for (long left = millis; left > 0 && !stopping; left = end - System.currentTimeMillis()) {
                signal.wait(left);
            }
        }
    }

    /** Stops taking batches and waits for the one running, if any, to finish. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        thread.join();
    }
}
