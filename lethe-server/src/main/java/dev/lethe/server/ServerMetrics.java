package dev.lethe.server;

import io.javalin.http.HandlerType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The server's Prometheus metrics, exposed in the text format at {@code /v1/metrics}: HTTP requests (count by
 * method, route and status; latency by method and route), the forget queue depth, batches and their retrain
 * time, completed requests and the model version served.
 */
final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter httpRequests = Counter.builder().name("lethe_http_requests_total")
            .help("HTTP requests answered, by method, route and status").labelNames("method", "route", "status")
            .register(registry);
    private final Histogram httpLatency = Histogram.builder().name("lethe_http_request_duration_seconds")
            .help("Time to answer an HTTP request, by method and route").labelNames("method", "route")
            // sub-millisecond bounds: a single prediction takes ~0.5 ms and its target is a p99 of 2 ms
            .classicUpperBounds(0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                    2.5, 5, 10)
            .classicOnly().register(registry);
    private final Histogram batchSeconds = Histogram.builder().name("lethe_forget_batch_duration_seconds")
            .help("Wall time of a forget batch: retraining, switch, purge and receipts")
            .classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600).classicOnly().register(registry);
    private final Counter batches = Counter.builder().name("lethe_forget_batches_total")
            .help("Forget batches run, by outcome (done, failed: will retry, gave_up: its requests marked failed)").labelNames("outcome").register(registry);
    private final Counter completed = Counter.builder().name("lethe_forget_requests_completed_total")
            .help("Forget requests marked done by this process").register(registry);

    ServerMetrics(DoubleSupplier queueDepth, DoubleSupplier modelVersion) {
        GaugeWithCallback.builder().name("lethe_forget_queue_depth").help("Forget requests queued or running")
                .callback(cb -> cb.call(queueDepth.getAsDouble())).register(registry);
        GaugeWithCallback.builder().name("lethe_model_version").help("The model version answering predictions")
                .callback(cb -> cb.call(modelVersion.getAsDouble())).register(registry);
    }

    void httpRequest(String method, String route, int status, double seconds) {
        httpRequests.labelValues(method, route, Integer.toString(status)).inc();
        httpLatency.labelValues(method, route).observe(seconds);
    }

    void batchDone(double seconds, int requests) {
        batches.labelValues("done").inc();
        batchSeconds.observe(seconds);
        completed.inc(requests);
    }

    void batchFailed() {
        batches.labelValues("failed").inc();
    }

    /** A batch failed too often: its requests were marked failed (alert on this). */
    void batchGaveUp() {
        batches.labelValues("gave_up").inc();
    }

    /** {@code GET /v1/metrics}. */
    Endpoint endpoint() {
        return new Endpoint(HandlerType.GET, "/v1/metrics", Access.ADMIN,
                "Prometheus metrics: requests, latencies, queue depth, batches and retrain time", List.of(), null,
                Map.of(200, "metrics in the Prometheus text format"),
                (ctx, caller) -> ctx.contentType(writer.getContentType()).result(scrape()));
    }

    private byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return out.toByteArray();
    }
}
