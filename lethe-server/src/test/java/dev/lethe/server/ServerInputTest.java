package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx that names the field, and writes nothing to the ledger. */
class ServerInputTest {

    @TempDir
    static Path dir;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        Path store = TestStores.copy(dir.resolve("store"));
        server = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0).withMaxIds(5).withMaxBodyBytes(8_192)
                .withBatchWindow(Duration.ofMillis(100)));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static void assertRefused(Api.Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json();
        if (field == null) {
            assertThat(error.get("field").isNull()).as(r.body()).isTrue();
        } else {
            assertThat(error.get("field").asText()).as(r.body()).isEqualTo(field);
        }
        assertThat(error.get("error").asText()).isNotBlank();
    }

    private static Api.Response forget(String body) {
        return server.admin().post("/v1/forget-requests", body);
    }

    private static String vector(int n) {
        return IntStream.range(0, n).mapToObj(i -> "0.5").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void malformedOrMistypedForgetRequestsAreRefusedNamingTheField() {
        int before = server.admin().get("/v1/forget-requests").json().get("items").size();
        assertRefused(forget("{\"subjectIds\": [\"a\""), 400, "body");
        assertRefused(forget("[\"a\"]"), 400, "body");
        assertRefused(forget(""), 400, "body");
        assertRefused(forget("{\"subjectIds\": \"subject-1\"}"), 400, "subjectIds");
        assertRefused(forget("{\"subjectIds\": [\"subject-1\", 7]}"), 400, "subjectIds[1]");
        assertRefused(forget("{\"subjectIds\": []}"), 400, "subjectIds");
        assertRefused(forget("{\"recordIds\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]}"), 400, "recordIds");
        assertRefused(forget("{\"recordIds\": [\"a\", \"b\", \"a\"]}"), 400, "recordIds[2]");
        assertRefused(forget("{\"recordIds\": [\"a\"], \"label\": \"3\"}"), 400, "label");
        assertRefused(forget("{\"reason\": \"nothing named\"}"), 400, "recordIds");
        assertRefused(forget("{\"label\": \"eleven\"}"), 400, "label");
        assertRefused(forget("{\"label\": 3}"), 400, "label");
        assertRefused(forget("{\"subjectIds\": [\"a\"], \"reason\": 5}"), 400, "reason");
        assertRefused(forget("{\"subjectIds\": [\"a\"], \"extra\": true}"), 400, "extra");
        assertRefused(forget("{\"subjectIds\": [\"a\"], \"idempotencyKey\": \" \"}"), 400, "idempotencyKey");
        // And none of them reached the ledger
        assertThat(server.admin().get("/v1/forget-requests").json().get("items")).hasSize(before);
    }

    @Test
    void predictionsRefuseVectorsOfTheWrongLengthOrType() {
        Api api = server.client();
        assertRefused(api.post("/v1/predict", "{\"features\": " + vector(63) + "}"), 400, "features");
        assertRefused(api.post("/v1/predict", "{\"instances\": [" + vector(64) + "," + vector(65) + "]}"), 400, "instances[1]");
        assertRefused(api.post("/v1/predict", "{\"instances\": [[" + "\"x\"," + vector(64).substring(1, vector(64).length() - 5)
                + "]]}"), 400, "instances[0][0]");
        assertRefused(api.post("/v1/predict", "{\"instances\": []}"), 400, "instances");
        assertRefused(api.post("/v1/predict", "{}"), 400, "features");
        assertThat(api.post("/v1/predict", "{\"features\": " + vector(64) + "}").status()).isEqualTo(200);
    }

    @Test
    void rawRecordsAreEncodedAsTrainingDidAndRefusedNamingTheRecord() {
        Api api = server.client();
        // the digits' raw form: 64 pixel counts 0..16, which the store's encoding scales by 1/16
        String raw = IntStream.range(0, 64).mapToObj(i -> Integer.toString(i % 17)).collect(Collectors.joining(",", "[", "]"));
        String encoded = IntStream.range(0, 64).mapToObj(i -> Float.toString((i % 17) / 16f)).collect(Collectors.joining(",", "[", "]"));
        String named = IntStream.range(0, 64).mapToObj(i -> "\"pixel-" + i + "\": \"" + (i % 17) + "\"").collect(Collectors.joining(",", "{", "}"));
        Api.Response inOrder = api.post("/v1/predict", "{\"records\": [" + raw + ", " + named + "]}");
        assertThat(inOrder.status()).as(inOrder.body()).isEqualTo(200);
        JsonNode asEncoded = api.post("/v1/predict", "{\"features\": " + encoded + "}").json();
        assertThat(inOrder.json().at("/predictions/0/probabilities")).isEqualTo(asEncoded.at("/predictions/0/probabilities"))
                .isEqualTo(inOrder.json().at("/predictions/1/probabilities"));
        assertRefused(api.post("/v1/predict", "{\"records\": [" + raw + ", [1, 2]]}"), 400, "records[1]");
        assertRefused(api.post("/v1/predict", "{\"records\": [{\"pixel-0\": \"x\"}]}"), 400, "records[0]");
        assertRefused(api.post("/v1/predict", "{\"records\": [true]}"), 400, "records[0]");
        assertRefused(api.post("/v1/predict", "{\"records\": [" + raw + "], \"features\": " + encoded + "}"), 400, "features");
    }

    @Test
    void anOversizedBodyIs413() {
        String ids = IntStream.range(0, 2_000).mapToObj(i -> "\"record-" + i + "\"").collect(Collectors.joining(","));
        Api.Response r = forget("{\"recordIds\": [" + ids + "]}");
        assertRefused(r, 413, "body");
    }

    @Test
    void unknownRequestsAre404AndBadQueriesAre400() {
        Api.Response missing = server.admin().get("/v1/forget-requests/req-000000000000");
        assertRefused(missing, 404, null);
        assertRefused(server.admin().get("/v1/forget-requests?status=finished"), 400, "status");
        assertRefused(server.admin().get("/v1/forget-requests?limit=0"), 400, "limit");
        assertRefused(server.admin().get("/v1/forget-requests?offset=x"), 400, "offset");
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheOriginalAndAConflictingOneIs409() {
        Api.Response first = forget("{\"subjectIds\": [\"nobody-1\"], \"idempotencyKey\": \"same\"}");
        assertThat(first.status()).isEqualTo(202);
        Api.Response again = forget("{\"subjectIds\": [\"nobody-1\"], \"idempotencyKey\": \"same\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertRefused(forget("{\"subjectIds\": [\"nobody-2\"], \"idempotencyKey\": \"same\"}"), 409, "idempotencyKey");
        assertThat(server.admin().get("/v1/forget-requests").json().get("items").findValuesAsText("id"))
                .containsOnlyOnce(first.json().get("id").asText());
    }
}
