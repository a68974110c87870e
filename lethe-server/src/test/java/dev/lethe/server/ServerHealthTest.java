package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server on a store with a damaged checkpoint serves nothing rather than something unverified: health is
 * "degraded" (503) and names the shard and file, predictions get 503; once the file is right again (as
 * {@code lethe repair} makes it) the server serves within a second, without a restart.
 */
class ServerHealthTest {

    @Test
    void aDamagedCheckpointMakesTheServerDegradedUntilItIsRepaired(@TempDir Path dir) throws Exception {
        Path store = TestStores.copy(dir.resolve("store"));
        JsonNode manifest = Api.JSON.readTree(store.resolve("manifest.json").toFile());
        String damaged = manifest.at("/models/0/checkpoints/2").asText();
        Path file = store.resolve("checkpoints").resolve(damaged);
        byte[] original = Files.readAllBytes(file);
        byte[] flipped = original.clone();
        for (int i = 0; i < 3; i++) {
            flipped[flipped.length / 2 + 31 * i] ^= 0x11;
        }
        Files.write(file, flipped);

        try (RunningServer server = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0))) {
            // Then health is degraded and names the damaged shard and file, and predictions are refused
            Api.Response health = server.client().get("/v1/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
            assertThat(health.json().get("modelVersion").isNull()).isTrue();
            assertThat(health.json().at("/damaged/shard").asInt()).isEqualTo(2);
            assertThat(health.json().at("/damaged/file").asText()).isEqualTo("checkpoints/" + damaged);
            assertThat(health.json().get("problem").asText()).contains("lethe repair");
            Api.Response predict = server.client().post("/v1/predict", "{\"instances\": " + ServerForgetFlowTest.vectors(1) + "}");
            assertThat(predict.status()).as(predict.body()).isEqualTo(503);
            assertThat(predict.json().get("error").asText()).contains("shard 2").contains("is damaged");

            // When the file is restored bit for bit
            Files.write(file, original);

            // Then the server serves again within a second or two
            long end = System.nanoTime() + 3_000_000_000L;
            while (server.client().get("/v1/health").status() != 200 && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            Api.Response healed = server.client().get("/v1/health");
            assertThat(healed.status()).as(healed.body()).isEqualTo(200);
            assertThat(healed.json().get("modelVersion").asInt()).isEqualTo(1);
        }
    }
}
