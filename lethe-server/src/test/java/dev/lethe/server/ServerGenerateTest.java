package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/generate} on a language-model store: text with the version that answered, the version switching after
 * an author is forgotten, the same auth and input checks as predictions, and each store kind refusing the other's endpoint.
 */
class ServerGenerateTest {

    private static final String PROMPT = "Question: Where was Ada Quill born?\\nAnswer: ";

    @Test
    void generatesTextWithItsVersionAndSwitchesVersionAfterAnAuthorIsForgotten(@TempDir Path dir) throws Exception {
        Path store = TestStores.languageModel(dir.resolve("store"));
        try (RunningServer server = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0).withBatchWindow(Duration.ofMillis(200)))) {
            Api client = server.client();

            // Greedy: text of at most maxTokens tokens from version 1, the same text every time
            Api.Response first = client.post("/v1/generate", "{\"prompt\": \"" + PROMPT + "\", \"maxTokens\": 12}");
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            JsonNode answer = first.json();
            assertThat(answer.get("modelVersion").asInt()).isEqualTo(1);
            assertThat(answer.get("tokens").asInt()).isBetween(1, 12);
            assertThat(answer.get("text").asText()).isNotEmpty().doesNotContain("\n");
            assertThat(client.post("/v1/generate", "{\"prompt\": \"" + PROMPT + "\", \"maxTokens\": 12}").json().get("text"))
                    .isEqualTo(answer.get("text"));
            // Sampled: a seed gives the same text again
            String sampled = "{\"prompt\": \"" + PROMPT + "\", \"maxTokens\": 12, \"temperature\": 1.5, \"topK\": 20, \"seed\": 7}";
            assertThat(client.post("/v1/generate", sampled).json().get("text")).isEqualTo(client.post("/v1/generate", sampled).json().get("text"));

            // When an author is forgotten, the request reaches done and the next answer comes from version 2
            String id = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"Cyra Okafor\"]}").json().get("id").asText();
            JsonNode done = server.admin().awaitFinished(id, 120);
            assertThat(done.get("status").asText()).isEqualTo("done");
            assertThat(client.post("/v1/generate", "{\"prompt\": \"" + PROMPT + "\"}").json().get("modelVersion").asInt()).isEqualTo(2);

            // Bad input names the field; no token is refused; predictions are refused on a language model
            assertThat(client.post("/v1/generate", "{\"maxTokens\": 4}").json().get("field").asText()).isEqualTo("prompt");
            Api.Response tooMany = client.post("/v1/generate", "{\"prompt\": \"x\", \"maxTokens\": 5000}");
            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.json().get("error").asText()).contains("'maxTokens' is 5000; it must be between 1 and 1024");
            assertThat(client.post("/v1/generate", "{\"prompt\": \"x\", \"temperature\": -1}").json().get("field").asText())
                    .isEqualTo("temperature");
            assertThat(client.post("/v1/generate", "{\"prompt\": \"x\", \"top\": 3}").status()).isEqualTo(400);
            Api.Response tooLong = client.post("/v1/generate", "{\"prompt\": \"" + "y".repeat(100) + "\"}");
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().get("field").asText()).isEqualTo("prompt");
            assertThat(tooLong.json().get("error").asText()).contains("the prompt is 100 tokens").contains("context of 96 tokens");
            assertThat(client.as(null).post("/v1/generate", "{\"prompt\": \"x\"}").status()).isEqualTo(401);
            Api.Response predict = client.post("/v1/predict", "{\"features\": [1, 2, 3, 4]}");
            assertThat(predict.status()).isEqualTo(409);
            assertThat(predict.json().get("error").asText()).contains("serves a language model").contains("POST /v1/generate");

            // And the OpenAPI document describes the endpoint
            assertThat(client.get("/v1/openapi.json").json().path("paths").path("/v1/generate").path("post").path("operationId").asText())
                    .isEqualTo("postGenerate");
        }
    }

    @Test
    void aClassifierStoreRefusesToGenerate(@TempDir Path dir) throws Exception {
        try (RunningServer server = RunningServer.start(dir)) {
            Api.Response r = server.client().post("/v1/generate", "{\"prompt\": \"hello\"}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).contains("serves a classifier").contains("POST /v1/predict");
        }
    }
}
