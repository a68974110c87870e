package dev.lethe.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed authentications are logged (token id prefix and peer, never the secret) and limited per address; every
 * request leaves an access-log line; client tokens see neither the metrics nor the requests behind each version.
 */
class LeastPrivilegeTest {

    private static final String FEATURES = "{\"features\": [" + "0,".repeat(63) + "0]}";

    @Test
    void failedAuthenticationIsLoggedWithoutTheSecretAndLimitedPerAddress(@TempDir Path dir) throws Exception {
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(Duration.ofMillis(100)).withNetwork(NetworkConfig.defaults().withMaxAuthFailures(5)));
             StderrCapture log = new StderrCapture()) {
            String secret = "Zz9".repeat(14) + "Q";
            String wrong = "lethe_abcdef012345_" + secret;
            for (int i = 0; i < 5; i++) {
                assertThat(s.client().as(wrong).post("/v1/predict", FEATURES).status()).isEqualTo(401);
            }
            Api.Response limited = s.client().post("/v1/predict", FEATURES); // even a valid token, from this address
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(log.text()).contains("authentication failed: token id abcdef012345 from 127.0.0.1")
                    .doesNotContain(secret);
            assertThat(log.text()).contains("lethe.access").contains("POST /v1/predict 429").contains("POST /v1/predict 401");
        }
    }

    @Test
    void clientTokensReadNeitherMetricsNorTheRequestsBehindEachVersion(@TempDir Path dir) throws Exception {
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(Duration.ofMillis(50)))) {
            String id = s.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-5\"]}").json().path("id").asText();
            s.admin().awaitFinished(id, 60);
            assertThat(s.client().get("/v1/metrics").status()).isEqualTo(403);
            assertThat(s.admin().get("/v1/metrics").status()).isEqualTo(200);
            assertThat(s.client().get("/v1/models/current").json().at("/lineage/1").has("requests")).isFalse();
            assertThat(s.admin().get("/v1/models/current").json().at("/lineage/1/requests/0").asText()).isEqualTo(id);
            assertThat(s.client().get("/v1/forget-requests/" + id).status()).isEqualTo(404);
        }
    }
}
