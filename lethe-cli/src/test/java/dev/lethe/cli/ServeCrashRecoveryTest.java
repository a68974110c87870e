package dev.lethe.cli;

import dev.lethe.core.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of the service: {@code lethe serve} runs as a real child JVM and is killed (a crash point halts
 * it, as SIGKILL would) while a batch of accepted requests is being processed. A restarted server finishes every
 * accepted request exactly once, the audit passes, and the final model is bit-identical to an uninterrupted run's.
 */
class ServeCrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PEOPLE = List.of("subject-7", "subject-12", "subject-30");
    /** Not a crash point: the test kills the server with SIGKILL once it reports the batch running. */
    private static final String SIGKILL = "sigkill-while-running";

    @TempDir
    static Path dir;
    static Path template;
    static JsonNode uninterrupted;

    @BeforeAll
    static void trainAndForgetEveryoneWithoutCrashing() throws Exception {
        template = dir.resolve("template");
        Cli trained = Cli.run("train", "--sisa", "--shards", "4", "--slices", "3", "--assign", "subject", "--subjects", "60",
                "--epochs", "2", "--model", "mlp:32", "--store", template.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path reference = Store.open(template).copyTo(dir.resolve("reference")).root();
        List<String> args = new ArrayList<>(List.of("forget", "--store", reference.toString()));
        PEOPLE.forEach(p -> args.addAll(List.of("--subject", p)));
        Cli forgot = Cli.run(args.toArray(String[]::new));
        assertThat(forgot.exitCode()).as(forgot.err()).isZero();
        uninterrupted = JSON.readTree(reference.resolve("manifest.json").toFile()).at("/models/1");
        assertThat(uninterrupted.get("retrained")).hasSizeGreaterThan(1);
    }


    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"mid-retrain", "after-switch", SIGKILL})
    void aServerKilledMidBatchFinishesEveryAcceptedRequestOnceAfterRestart(String crashPoint) throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("crash-" + crashPoint)).root();
        Cli created = Cli.run("tokens", "create", "--store", store.toString(), "--name", "ops", "--role", "admin", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = JSON.readTree(created.out()).get("token").asText();

        // Given a server that will die at the crash point, and three people's requests it acknowledged
        ServeChild doomed = ServeChild.serve(store, crashPoint.equals(SIGKILL) ? List.of() : List.of("-Dlethe.crashAt=" + crashPoint));
        List<String> ids = new ArrayList<>();
        for (String person : PEOPLE) {
            HttpResponse<String> r = doomed.send("POST", "/v1/forget-requests", token,
                    "{\"subjectIds\": [\"" + person + "\"], \"idempotencyKey\": \"erase-" + person + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            ids.add(JSON.readTree(r.body()).get("id").asText());
        }
        // When it is killed while processing them
        if (crashPoint.equals(SIGKILL)) {
            String status = "queued";
            while (status.equals("queued")) {
                status = JSON.readTree(doomed.send("GET", "/v1/forget-requests/" + ids.get(0), token, null).body()).get("status").asText();
            }
            doomed.process().destroyForcibly();
        }
        assertThat(doomed.awaitExit()).as(doomed.output().toString()).isEqualTo(CrashPoints.EXIT_STATUS);
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 10)).extracting(ForgetRequest::id).containsExactlyInAnyOrderElementsOf(ids);
            if (crashPoint.equals(SIGKILL)) {
                assertThat(ledger.pending()).as("the kill hit the running batch").isNotEmpty();
            } else {
                assertThat(ledger.pending()).extracting(ForgetRequest::id).containsExactlyInAnyOrderElementsOf(ids);
            }
        }

        // And a new server starts on the same store
        ServeChild restarted = ServeChild.serve(store, List.of());
        try {
            // Then every accepted request finishes, and a client retrying with its key gets the same request
            for (String id : ids) {
                JsonNode r = awaitDone(restarted, token, id);
                assertThat(r.get("status").asText()).isEqualTo("done");
            }
            HttpResponse<String> retry = restarted.send("POST", "/v1/forget-requests", token,
                    "{\"subjectIds\": [\"subject-7\"], \"idempotencyKey\": \"erase-subject-7\"}");
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(retry.body()).get("id").asText()).isEqualTo(ids.get(0));

            // And the audit passes, and the served model is bit-identical to the uninterrupted run's
            JsonNode audit = JSON.readTree(restarted.send("POST", "/v1/audit", token, null).body());
            assertThat(audit.get("passed").asBoolean()).as(audit.toString()).isTrue();
            JsonNode current = JSON.readTree(restarted.send("GET", "/v1/models/current", token, null).body());
            assertThat(current.get("checkpoints")).isEqualTo(uninterrupted.get("checkpoints"));
            assertThat(current.get("checkpointSha256")).isEqualTo(uninterrupted.get("checkpointSha256"));
        } finally {
            restarted.process().destroy();
            restarted.awaitExit();
        }
        // And each request was accepted once and completed once
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 100)).hasSize(PEOPLE.size())
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestStatus.DONE));
            Map<String, Integer> accepted = new TreeMap<>();
            Map<String, Integer> done = new TreeMap<>();
            for (AuditEvent e : ledger.events()) {
                if (e.type().equals("request.accepted")) {
                    accepted.merge(e.requestId(), 1, Integer::sum);
                } else if (e.type().equals("request.done")) {
                    done.merge(e.requestId(), 1, Integer::sum);
                }
            }
            assertThat(accepted).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(done).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
    }

    private static JsonNode awaitDone(ServeChild server, String token, String id) throws Exception {
        long end = System.nanoTime() + 120_000_000_000L;
        while (true) {
            JsonNode r = JSON.readTree(server.send("GET", "/v1/forget-requests/" + id, token, null).body());
            if (r.get("status").asText().equals("done") || System.nanoTime() > end) {
                return r;
            }
            Thread.sleep(100);
        }
    }
}
