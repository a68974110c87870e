package dev.lethe.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol's edges: unknown routes answer JSON, a wrong Content-Type is a 415, feature values beyond float32
 * are refused, and while accepted forget requests wait, predictions and health say how many and since when.
 */
class ServerProtocolTest {

    @TempDir
    static Path dir;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        // a long batch window: the accepted request stays pending while the test looks
        server = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(Duration.ofSeconds(3)));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static String features(String first) {
        return "{\"features\": [" + first + "," + "0,".repeat(62) + "0]}";
    }

    @Test
    void unknownRoutesAnswerJson() {
        Api.Response r = server.client().get("/v1/no-such-thing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).contains("application/json");
        assertThat(r.json().path("error").asText()).contains("/v1/no-such-thing");
    }

    @Test
    void aBodyDeclaredAsAnythingButJsonIs415() throws Exception {
        Api api = server.client();
        HttpResponse<String> r = api.http().send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/predict"))
                .header("Authorization", "Bearer " + server.clientToken())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(features("0"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).contains("application/json");
        assertThat(api.post("/v1/predict", features("0")).status()).isEqualTo(200);
    }

    @Test
    void featureValuesBeyondFloat32AreRefused() {
        Api.Response r = server.client().post("/v1/predict", features("1e39"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("features[0]");
        assertThat(r.json().path("error").asText()).contains("float32");
        assertThat(server.client().post("/v1/predict", features("3.0e38")).status()).isEqualTo(200);
    }

    @Test
    void whileAnAcceptedRequestWaitsPredictionsAndHealthSaySo() throws Exception {
        assertThat(server.client().post("/v1/predict", features("0")).json().has("pendingForgetRequests")).isFalse();
        String id = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-9\"]}").json().path("id").asText();
        var predicted = server.client().post("/v1/predict", features("0")).json().path("pendingForgetRequests");
        assertThat(predicted.path("count").asInt()).isEqualTo(1);
        assertThat(predicted.path("oldestAcceptedAt").asText()).isNotBlank();
        assertThat(server.client().get("/v1/health").json().path("pendingForgetRequests").path("count").asInt()).isEqualTo(1);
        assertThat(server.admin().awaitFinished(id, 60).path("status").asText()).isEqualTo("done");
        Thread.sleep(PendingRequests.MAX_AGE_NANOS / 1_000_000 + 100);
        assertThat(server.client().post("/v1/predict", features("0")).json().has("pendingForgetRequests")).isFalse();
        assertThat(server.client().get("/v1/health").json().path("pendingForgetRequests").isNull()).isTrue();
    }
}
