package dev.lethe.server;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The background thread that processes forget requests: when requests are pending it waits one batch window
 * for more to arrive, then hands them all to {@link ForgetService#process()} as one batch (each affected shard
 * retrains once). Requests a killed server left queued or running are pending too, so a restarted server
 * finishes them first.
 *
 * <p>A failed batch is retried with exponential backoff up to a cap ({@link Retry}); its requests stay pending
 * and the ledger records their running state once per batch, not once per try. After {@link Retry#maxTries()}
 * failures in a row the worker gives up on the batch: its requests become FAILED (with the reason, their values
 * kept for a resubmission) and the metric {@code lethe_forget_batches_total{outcome="gave_up"}} counts it. A stack
 * trace is logged once per distinct error; repeats are one line each. Nothing a batch throws, an
 * {@link OutOfMemoryError} included, ends the thread.
 */
final class ForgetWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForgetWorker.class);
    private static final long IDLE_POLL_MS = 1_000;

    /** One batch's work: what {@link ForgetService#process()} does. */
    interface Batch {
        List<Receipt> process() throws Exception;
    }

    /** What to do with the pending requests of a batch that failed too often. */
    interface GiveUp {
        void giveUp(String reason) throws Exception;
    }

    /**
     * How failed batches are retried.
     *
     * @param first    the wait after the first failure (doubled after each further one)
     * @param cap      the longest wait
     * @param maxTries failures in a row after which the batch's requests are marked FAILED
     */
    record Retry(Duration first, Duration cap, int maxTries) {

        /** 1 s, doubling up to 10 min, FAILED after 10 tries in a row (about 17 minutes of trying). */
        static Retry defaults() {
            return new Retry(Duration.ofSeconds(1), Duration.ofMinutes(10), 10);
        }

        Retry {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(cap, "cap");
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, got " + maxTries);
            }
        }

        /** The wait after {@code failures} failures in a row. */
        long waitMillis(int failures) {
            long wait = first.toMillis() << Math.min(failures - 1, 30);
            return Math.min(wait < 0 ? Long.MAX_VALUE : wait, cap.toMillis());
        }
    }

    private final Batch service;
    private final Ledger ledger;
    private final Duration window;
    private final ServerMetrics metrics;
    private final Runnable afterBatch;
    private final Retry retry;
    private final GiveUp giveUp;
    private final Thread thread;
    private final Object signal = new Object();
    private final ErrorLog errors = new ErrorLog(LOG);
    private boolean woken;
    private volatile boolean stopping;
    private int failures;

    ForgetWorker(Batch service, Ledger ledger, Duration window, ServerMetrics metrics, Runnable afterBatch,
                 Retry retry, GiveUp giveUp) {
        this.service = service;
        this.ledger = ledger;
        this.window = window;
        this.metrics = metrics;
        this.afterBatch = afterBatch;
        this.retry = retry;
        this.giveUp = giveUp;
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
                    errors.log("forget worker: cannot read the ledger", e);
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
            if (failures > 0) {
                LOG.info("forget batch: succeeded after {} failed tries", failures);
            }
            failures = 0;
            errors.reset();
            LOG.info("forget batch: {} request(s) done in {} s", receipts.size(), (System.nanoTime() - start) / 1e9);
        } catch (Exception | Error e) {
            metrics.batchFailed();
            failures++;
            if (failures >= retry.maxTries()) {
                // the reason a client reads names no path or database detail: those stay in the log, under an id
                String id = java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt());
                errors.log("[error " + id + "] forget batch failed " + failures + " times in a row; its requests are"
                        + " marked failed", e);
                abandon(id);
            } else {
                long wait = retry.waitMillis(failures);
                errors.log("forget batch failed (try " + failures + " of " + retry.maxTries() + "), next try in "
                        + wait / 1000.0 + " s", e);
                pause(wait);
            }
        } finally {
            afterBatch.run();
        }
    }

    private void abandon(String errorId) {
        String reason = "the worker gave up after " + failures + " failed tries (error id " + errorId
                + " in the server log); submit the request again once the cause is fixed";
        try {
            giveUp.giveUp(reason);
            metrics.batchGaveUp();
            failures = 0;
            errors.reset();
        } catch (Exception | Error e) {
            errors.log("forget worker: cannot mark the batch failed", e);
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
