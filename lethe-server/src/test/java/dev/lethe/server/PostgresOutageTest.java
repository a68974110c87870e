package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real PostgreSQL ledger stopped and started again under a running server: no answer and no log line shows the
 * database password, the outage answers 503 with an error id (liveness stays up, readiness goes down), and the
 * server recovers by itself once the database is back.
 */
class PostgresOutageTest extends WithPostgres {

    private static final String SECRET = "pw-Zq81x-never-shown";
    private static final String FAKE_TOKEN = "lethe_0123456789ab_" + "A".repeat(43);
    private static final String FEATURES = "{\"features\": [" + "0,".repeat(63) + "0]}";

    @Test
    void aDatabaseRestartAnswers503WithoutThePasswordAndTheServerRecoversByItself(@TempDir Path dir) throws Exception {
        StderrCapture log = new StderrCapture();
        // a library caller may still put the password into the URL: it must not leak from there either
        String url = postgres.newDatabase() + "&password=" + SECRET;
        ServerConfig config = ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withJdbcUrl(url).withBatchWindow(Duration.ofMillis(100));
        assertThat(config.toString()).doesNotContain(SECRET);
        try (RunningServer s = RunningServer.start(config)) {
            assertThat(s.client().post("/v1/predict", FEATURES).status()).isEqualTo(200);

            postgres.stop();
            try {
                Api.Response fake = s.client().as(FAKE_TOKEN).post("/v1/predict", FEATURES);
                Api.Response real = s.client().post("/v1/predict", FEATURES);
                Api.Response login = login(s.client(), FAKE_TOKEN);
                for (Api.Response r : new Api.Response[]{fake, real, login}) {
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.body()).doesNotContain(SECRET).doesNotContain("jdbc:").doesNotContain("127.0.0.1:" + postgres.port);
                    assertThat(r.json().path("errorId").asText()).matches("[0-9a-f]{12}");
                    assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
                }
                assertThat(log.text()).contains(real.json().path("errorId").asText());
                assertThat(s.client().get("/v1/health").status()).isEqualTo(200);
                JsonNode ready = Api.of(s.server().port(), null).get("/v1/ready").json();
                assertThat(ready.required("ready").asBoolean()).isFalse();
                assertThat(ready.path("ledger").asText()).isEqualTo("unavailable");
                Thread.sleep(1_500); // the worker polls the ledger meanwhile, and logs its failures
            } finally {
                postgres.start();
            }

            long start = System.nanoTime();
            int status = 0;
            while (System.nanoTime() - start < 20_000_000_000L && (status = s.client().post("/v1/predict", FEATURES).status()) != 200) {
                Thread.sleep(100);
            }
            assertThat(status).as("predict after the database came back").isEqualTo(200);
            assertThat(Api.of(s.server().port(), null).get("/v1/ready").status()).isEqualTo(200);
            String id = s.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-3\"]}").json().path("id").asText();
            assertThat(s.admin().awaitFinished(id, 60).path("status").asText()).isEqualTo("done");
        } finally {
            log.close();
        }
        assertThat(log.text()).contains("unavailable").doesNotContain(SECRET);
    }

    private static Api.Response login(Api api, String token) throws Exception {
        HttpResponse<String> r = api.http().send(HttpRequest.newBuilder(URI.create(api.base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        return new Api.Response(r.statusCode(), r.body(), r);
    }
}
