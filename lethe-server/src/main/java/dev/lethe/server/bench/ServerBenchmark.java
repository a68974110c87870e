package dev.lethe.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.store.Store;
import dev.lethe.server.LetheServer;
import dev.lethe.server.ServerConfig;
import dev.lethe.server.auth.Role;
import dev.lethe.server.auth.TokenStore;
import dev.lethe.torch.sisa.SisaService;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The service under load, on a scratch copy of a SISA store, over real HTTP on 127.0.0.1: forget-request intake
 * (each 202 waits for an fsync'd ledger insert) from concurrent clients, each request naming a person the store holds
 * nothing about, the time the worker needs to drain that queue (bookkeeping, no retraining), prediction latency
 * (single vectors and batches of 100), and one person's erasure from submission to "done".
 */
public final class ServerBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The prefix of the persons the intake's requests name: the store holds no data about any of them. */
    private static final String ABSENT_PERSON = "bench-absent-person-";

    /** Vectors per call in the batched prediction measurement. */
    static final int BATCH = 100;

    private ServerBenchmark() {
    }

    /**
     * What was measured.
     *
     * @param requests         forget requests submitted
     * @param clients          concurrent client threads
     * @param intakeSeconds    wall time of the whole intake
     * @param intakePerSecond  requests acknowledged per second
     * @param intakeP50Ms      median time to the 202
     * @param intakeP99Ms      99th percentile time to the 202
     * @param drainSeconds     from the last 202 until the queue was empty
     * @param predictions      single-vector predictions sent
     * @param predictP50Ms     median prediction latency
     * @param predictP99Ms     99th percentile prediction latency
     * @param predictPerSecond predictions answered per second
     * @param oneClientP50Ms   median latency of single-vector predictions sent one at a time by one client
     * @param oneClientP99Ms   99th percentile of the same
     * @param batchSize        vectors per call in the batched measurement
     * @param batchP50Ms       median latency of a batched call
     * @param batchedPredictionsPerSecond vectors answered per second in batched calls
     * @param erasureSeconds   one person's request: submission to "done" (batch window included)
     * @param batchWindowMs    the worker's batch window
     */
    public record Figures(int requests, int clients, double intakeSeconds, double intakePerSecond, double intakeP50Ms,
                          double intakeP99Ms, double drainSeconds, int predictions, double predictP50Ms, double predictP99Ms,
                          double predictPerSecond, double oneClientP50Ms, double oneClientP99Ms, int batchSize, double batchP50Ms, double batchedPredictionsPerSecond,
                          double erasureSeconds, long batchWindowMs) {
    }

    /** Runs the benchmark on a scratch copy of {@code storeDir}; the store itself is not changed. */
    public static Figures run(Path storeDir, int requests, int clients, int predictions, Duration batchWindow) throws Exception {
        Store.open(storeDir);
        Path scratch = Files.createTempDirectory("lethe-bench-serve");
        try {
            Path store = Store.open(storeDir).copyTo(scratch.resolve("store")).root();
            String token;
            try (TokenStore tokens = TokenStore.open(ServerConfig.ledgerUrl(store, null))) {
                token = tokens.create("bench", Role.ADMIN).secret();
            }
            String person = SisaService.loadTraining(Store.open(store)).subject(0);
            try (LetheServer server = LetheServer.start(ServerConfig.defaults(store, "127.0.0.1", 0).withBatchWindow(batchWindow))) {
                Client client = new Client(server.port(), token);
                int width = IntStream.of(Store.open(store).readManifest().model().inputShape()).reduce(1, Math::multiplyExact);
                long start = System.nanoTime();
                // Each request names a person the store holds nothing about: it is accepted (durable before the 202) and done
                // without retraining, so the intake and the drain measure the ledger and the worker, not training. (An
                // unknown record id is refused with 422, so it cannot stand in.)
                double[] intake = concurrently(requests, clients, i -> client.post("/v1/forget-requests",
                        "{\"subjectIds\": [\"" + ABSENT_PERSON + i + "\"], \"idempotencyKey\": \"bench-" + i + "\"}", 202));
                double intakeSeconds = (System.nanoTime() - start) / 1e9;
                long drainStart = System.nanoTime();
                while (client.get("/v1/forget-requests?status=queued&limit=1").get("items").size() > 0
                        || client.get("/v1/forget-requests?status=running&limit=1").get("items").size() > 0) {
                    Thread.sleep(50);
                }
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                String vector = IntStream.range(0, width).mapToObj(j -> Integer.toString(j % 17)).collect(Collectors.joining(",", "[", "]"));
                start = System.nanoTime();
                double[] predict = concurrently(predictions, clients, i -> client.post("/v1/predict", "{\"features\": " + vector + "}", 200));
                double predictSeconds = (System.nanoTime() - start) / 1e9;
                double[] oneClient = concurrently(predictions / 4, 1, i -> client.post("/v1/predict", "{\"features\": " + vector + "}", 200));
                String batch = IntStream.range(0, BATCH).mapToObj(j -> vector).collect(Collectors.joining(",", "[", "]"));
                int batchCalls = Math.max(clients, predictions / 10);
                start = System.nanoTime();
                double[] batched = concurrently(batchCalls, clients, i -> client.post("/v1/predict", "{\"instances\": " + batch + "}", 200));
                double batchedSeconds = (System.nanoTime() - start) / 1e9;
                long erasureStart = System.nanoTime();
                String id = JSON.readTree(client.post("/v1/forget-requests", "{\"subjectIds\": [\"" + person + "\"]}", 202).body())
                        .get("id").asText();
                while (!client.get("/v1/forget-requests/" + id).get("status").asText().equals("done")) {
                    Thread.sleep(20);
                }
                double erasureSeconds = (System.nanoTime() - erasureStart) / 1e9;
                return new Figures(requests, clients, intakeSeconds, requests / intakeSeconds, percentile(intake, 50),
                        percentile(intake, 99), drainSeconds, predictions, percentile(predict, 50),
                        percentile(predict, 99), predictions / predictSeconds, percentile(oneClient, 50),
                        percentile(oneClient, 99), BATCH, percentile(batched, 50),
                        (double) batchCalls * BATCH / batchedSeconds, erasureSeconds, batchWindow.toMillis());
            }
        } finally {
            try (Stream<Path> walk = Files.walk(scratch)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The nearest-rank {@code p}-th percentile of {@code values}. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A call that returns what it answered. */
    private interface Call {
        HttpResponse<String> send(int i) throws Exception;
    }

    /** Runs calls 0..n-1 on {@code threads} threads; their latencies in milliseconds. */
    private static double[] concurrently(int n, int threads, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Double>>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    List<Double> ms = new ArrayList<>();
                    for (int i = first; i < n; i += threads) {
                        long s = System.nanoTime();
                        call.send(i);
                        ms.add((System.nanoTime() - s) / 1e6);
                    }
                    return ms;
                }));
            }
            List<Double> all = new ArrayList<>();
            for (Future<List<Double>> f : parts) {
                all.addAll(f.get());
            }
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        } finally {
            pool.shutdown();
        }
    }

    /** HTTP to the server with the benchmark's token; an unexpected status fails the benchmark. */
    private record Client(HttpClient http, String base, String token) {

        Client(int port, String token) {
            this(HttpClient.newHttpClient(), "http://127.0.0.1:" + port, token);
        }

        HttpResponse<String> post(String path, String body, int expected) throws IOException, InterruptedException {
            return check(http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()), expected);
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            return JSON.readTree(check(http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()), 200).body());
        }

        private static HttpResponse<String> check(HttpResponse<String> r, int expected) {
            if (r.statusCode() != expected) {
                throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
                        + " (expected " + expected + "): " + r.body());
            }
            return r;
        }
    }

}
