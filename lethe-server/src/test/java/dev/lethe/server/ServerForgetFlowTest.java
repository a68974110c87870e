package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.Ledger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The service end to end on a real store: a person's erasure request goes queued → done, and everything follows. */
class ServerForgetFlowTest {

    @TempDir
    static Path dir;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RunningServer.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** One 8×8 feature vector with values 0..16, varying with {@code i}. */
    static String vector(int i) {
        return "[" + String.join(",", IntStream.range(0, 64).mapToObj(j -> Integer.toString((i * 7 + j * 3) % 17)).toList()) + "]";
    }

    /** {@code n} feature vectors as a JSON array. */
    static String vectors(int n) {
        return "[" + String.join(",", IntStream.range(0, n).mapToObj(ServerForgetFlowTest::vector).toList()) + "]";
    }

    @Test
    void aSubjectsRequestGoesQueuedToDoneAndEverythingAfterwardsComesFromTheNewVersion() throws Exception {
        Api admin = server.admin();
        // Given the first version answers predictions
        JsonNode before = admin.post("/v1/predict", "{\"instances\": " + vectors(3) + "}").json();
        assertThat(before.get("modelVersion").asInt()).isEqualTo(1);
        assertThat(before.get("predictions")).hasSize(3);
        assertThat(before.at("/predictions/0/probabilities")).hasSize(10);

        // When an admin asks to forget one person
        Api.Response accepted = admin.post("/v1/forget-requests",
                "{\"subjectIds\": [\"subject-7\"], \"reason\": \"GDPR art. 17\", \"idempotencyKey\": \"k-7\"}");

        // Then it is accepted at once, durable, and queued
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        assertThat(accepted.raw().headers().firstValue("Location")).contains("/v1/forget-requests/" + id);
        assertThat(accepted.json().get("status").asText()).isIn("queued", "running");

        // And it finishes, with a receipt that lists the retrained shard
        JsonNode done = admin.awaitFinished(id, 120);
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(done.get("principal").asText()).isEqualTo("admin-1");
        JsonNode receipt = done.get("receipt");
        assertThat(receipt.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(receipt.get("matchedTrainRecords").asInt()).isPositive();
        assertThat(receipt.get("retrained")).hasSize(1);
        int shard = receipt.at("/retrained/0/shard").asInt();

        // And predictions come from the new version
        JsonNode after = admin.post("/v1/predict", "{\"features\": " + vector(0) + "}").json();
        assertThat(after.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(server.client().post("/v1/predict", "{\"instances\": " + vectors(2) + "}").json().get("modelVersion").asInt())
                .isEqualTo(2);

        // And the model's lineage names the request and the shard it retrained
        JsonNode current = admin.get("/v1/models/current").json();
        assertThat(current.get("version").asInt()).isEqualTo(2);
        assertThat(current.at("/lineage/1/requests/0").asText()).isEqualTo(id);
        assertThat(current.at("/lineage/1/retrained/0/shard").asInt()).isEqualTo(shard);
        assertThat(current.at("/config/sisa/shards").asInt()).isEqualTo(4);

        // And the audit passes, and records who ran it
        JsonNode audit = admin.post("/v1/audit", "").json();
        assertThat(audit.get("passed").asBoolean()).as(audit.toString()).isTrue();
        assertThat(audit.get("checks").size()).isGreaterThanOrEqualTo(6);

        // And listing by status shows it among the done ones; the same idempotency key returns it, not a new one
        JsonNode doneList = admin.get("/v1/forget-requests?status=done").json();
        assertThat(doneList.get("items")).anySatisfy(r -> assertThat(r.get("id").asText()).isEqualTo(id));
        Api.Response repeated = admin.post("/v1/forget-requests", "{\"subjectIds\": [\"subject-7\"], \"idempotencyKey\": \"k-7\"}");
        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.json().get("id").asText()).isEqualTo(id);
        assertThat(admin.get("/v1/forget-requests").json().get("items")).hasSize(1);

        // And the dashboard shows the version and the history
        Api.Response page = admin.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("model version <b id=\"model-version\">2</b>").contains("Queue: 0 request(s)").contains(id);

        // And the metrics saw the batch and the requests
        String metrics = admin.get("/v1/metrics").body();
        assertThat(metrics).contains("lethe_forget_batches_total{outcome=\"done\"} 1")
                .contains("lethe_forget_queue_depth 0")
                .contains("lethe_model_version 2")
                .contains("lethe_http_requests_total{method=\"POST\",route=\"/v1/forget-requests\",status=\"202\"} 1")
                .contains("lethe_forget_batch_duration_seconds_count 1");

        // And the ledger holds who did what
        RunningServer stopped = server;
        server = null;
        stopped.close();
        try (Ledger ledger = Ledger.open(stopped.store().resolve("ledger.db"))) {
            List<AuditEvent> events = ledger.events();
            assertThat(events).filteredOn(e -> e.type().equals("request.accepted")).singleElement()
                    .satisfies(e -> assertThat(e.principal()).isEqualTo("admin-1"));
            assertThat(events).filteredOn(e -> e.type().equals("audit.run")).singleElement()
                    .satisfies(e -> assertThat(e.principal()).isEqualTo("admin-1"));
        }
    }
}
