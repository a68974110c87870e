package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.ledger.Ledger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second process holds the SQLite ledger's write lock past the busy timeout: the submission in between is
 * answered 503 "not recorded" with Retry-After (it rolled back), and once the lock is gone the server's ledger
 * connection works again: the next submission is durable with its event, and nothing is duplicated.
 */
class SqliteLockTest {

    @AfterEach
    void resetBusyTimeout() {
        System.clearProperty("lethe.sqlite.busyTimeoutMs");
    }

    @Test
    void aLockedLedgerAnswers503NotRecordedAndTheNextSubmissionIsDurable(@TempDir Path dir) throws Exception {
        System.setProperty("lethe.sqlite.busyTimeoutMs", "300");
        Path store = TestStores.copy(dir.resolve("store"));
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0)
                .withBatchWindow(Duration.ofSeconds(30)))) {
            Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SqliteLockHolder.class.getName(),
                    store.resolve("ledger.db").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("locked");

                Api.Response refused = s.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-1\"]}");
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.json().path("error").asText()).contains("not recorded");
                assertThat(refused.body()).doesNotContain(store.toString()).doesNotContain("SQLITE");
                assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
            } finally {
                holder.getOutputStream().close();
                assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }

            Api.Response accepted = s.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-2\"]}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            JsonNode page = s.admin().get("/v1/forget-requests").json();
            assertThat(page.path("items")).hasSize(1);
            assertThat(page.path("items").get(0).path("id").asText()).isEqualTo(accepted.json().path("id").asText());
        }
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.events().stream().filter(e -> e.type().equals("request.accepted")).count()).isEqualTo(1);
            assertThat(ledger.verifyChain().intact()).isTrue();
        }
    }
}
