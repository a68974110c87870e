package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once: every acknowledged request is in the ledger once, and is processed once. */
class ServerConcurrencyTest {

    private static final int REQUESTS = 1_000;
    private static final int THREADS = 8;

    private static double queueDepth(Api api) {
        return api.get("/v1/metrics").body().lines().filter(l -> l.startsWith("lethe_forget_queue_depth "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void aThousandRequestsFromEightThreadsAreNeitherLostNorDuplicated(@TempDir Path dir) throws Exception {
        Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
        Path store;
        try (RunningServer server = RunningServer.start(dir)) {
            store = server.store();
            Api api = server.admin();
            // When 8 threads submit 1,000 requests, every tenth one twice (a client retrying with its key)
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < REQUESTS; i += THREADS) {
                        // persons the store holds nothing about: each is done without retraining or a new version
                        String body = "{\"subjectIds\": [\"ghost-" + i + "\"], \"idempotencyKey\": \"key-" + i + "\"}";
                        Api.Response r = api.post("/v1/forget-requests", body);
                        assertThat(r.status()).as(r.body()).isEqualTo(202);
                        acknowledged.put(i, r.json().get("id").asText());
                        if (i % 10 == 0) {
                            Api.Response again = api.post("/v1/forget-requests", body);
                            assertThat(again.status()).as(again.body()).isEqualTo(200);
                            assertThat(again.json().get("id").asText()).isEqualTo(acknowledged.get(i));
                        }
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("intake: %d requests (+%d retries) from %d threads in %.2f s%n", REQUESTS, REQUESTS / 10, THREADS,
                    (System.nanoTime() - start) / 1e9);
            // Then the queue drains
            long end = System.nanoTime() + 120_000_000_000L;
            while (queueDepth(api) > 0) {
                assertThat(System.nanoTime()).as("queue drained in time").isLessThan(end);
                Thread.sleep(200);
            }
            JsonNode page = api.get("/v1/forget-requests?status=done&limit=500&offset=500").json();
            assertThat(page.get("items")).hasSize(500);
            assertThat(page.get("nextOffset").isNull()).isTrue();
        }
        // And the ledger holds each acknowledged request exactly once, done exactly once
        assertThat(acknowledged).hasSize(REQUESTS);
        assertThat(acknowledged.values().stream().distinct()).hasSize(REQUESTS);
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            List<ForgetRequest> all = ledger.list(null, 0, 10 * REQUESTS);
            assertThat(all).hasSize(REQUESTS).allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestStatus.DONE));
            assertThat(all.stream().map(ForgetRequest::id).collect(Collectors.toSet()))
                    .isEqualTo(new java.util.HashSet<>(acknowledged.values()));
            Map<String, Integer> doneEvents = new HashMap<>();
            for (AuditEvent e : ledger.events()) {
                if (e.type().equals("request.done")) {
                    doneEvents.merge(e.requestId(), 1, Integer::sum);
                }
            }
            assertThat(doneEvents).hasSize(REQUESTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(ledger.verifyChain().intact()).isTrue();
        }
    }
}
