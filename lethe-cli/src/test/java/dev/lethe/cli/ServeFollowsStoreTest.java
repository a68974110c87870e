package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.store.ServerLeases;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every process that answers from a store answers from its current version (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 2): a
 * {@code lethe serve} child JVM keeps serving while {@code lethe forget} in another process (this test's JVM)
 * switches the store to version 2 and purges version 1's checkpoints. The server answers from version 2 at once,
 * its lease says so, and the audit checks the version each live server answers with.
 */
class ServeFollowsStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREDICT = "{\"features\": [" + String.join(",", Collections.nCopies(64, "4")) + "]}";

    @TempDir
    static Path dir;
    static Path template;

    @BeforeAll
    static void trainAStore() {
        template = dir.resolve("template");
        Cli.trainSmallSisa(template, 2, 2, "mlp:32");
    }

    @Test
    void aServerAnswersFromTheVersionAnotherProcessSwitchedTo() throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("follow")).root();
        Cli created = Cli.run("tokens", "create", "--store", store.toString(), "--name", "app", "--role", "client", "--json");
        String token = JSON.readTree(created.out()).get("token").asText();
        ServeChild server = ServeChild.serve(store, List.of());
        try {
            // Given a server answering from version 1, registered in the store
            assertThat(version(server.send("POST", "/v1/predict", token, PREDICT))).isEqualTo(1);
            assertThat(ServerLeases.read(Store.open(store))).singleElement()
                    .satisfies(l -> assertThat(l.pid()).isEqualTo(server.process().pid()))
                    .satisfies(l -> assertThat(l.modelVersion()).isEqualTo(1));

            // When another process forgets a person: version 2 is current and version 1's checkpoints are purged
            Cli forgot = Cli.run("forget", "--store", store.toString(), "--subject", "subject-7");
            assertThat(forgot.exitCode()).as(forgot.err()).isZero();
            assertThat(forgot.out()).contains("model version 2");

            // Then the very next prediction and health answer from version 2, never from the purged version 1
            assertThat(version(server.send("POST", "/v1/predict", token, PREDICT))).isEqualTo(2);
            JsonNode health = JSON.readTree(server.send("GET", "/v1/health", null, null).body());
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.get("modelVersion").asInt()).isEqualTo(2);

            // And within a second its lease says so, and the audit, which checks running servers, passes
            long end = System.nanoTime() + 1_500_000_000L;
            while (ServerLeases.read(Store.open(store)).get(0).modelVersion() != 2 && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(ServerLeases.read(Store.open(store)).get(0).modelVersion()).isEqualTo(2);
            Cli audit = Cli.run("audit", "--store", store.toString());
            assertThat(audit.exitCode()).as(audit.out()).isZero();
            assertThat(audit.out()).contains("[ok] every running server answers from the current version: 1 running server(s)");
        } finally {
            server.process().destroy();
            server.awaitExit();
        }
        assertThat(ServerLeases.read(Store.open(store))).as("a stopped server removes its lease").isEmpty();
    }

    @Test
    void theAuditFailsWhileALiveServerAnswersFromAnOldVersionAndIgnoresLeasesOfDeadProcesses() throws Exception {
        Store store = Store.open(Store.open(template).copyTo(dir.resolve("stale")).root());
        String now = Instant.now().toString();
        Process dead = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").start();
        dead.waitFor();
        // Given a lease of a process that is gone (a killed server): ignored
        ServerLeases.write(store, new ServerLeases.Lease(dead.pid(), "127.0.0.1", 9, 0, "ok", now, now));
        Cli ignored = Cli.run("audit", "--store", store.root().toString());
        assertThat(ignored.exitCode()).as(ignored.out()).isZero();
        assertThat(ignored.out()).contains("0 running server(s); 1 stale lease(s) of stopped servers ignored");

        // When a live process claims to answer from a version that is not current (this JVM stands in for a stale server)
        ServerLeases.write(store, new ServerLeases.Lease(ProcessHandle.current().pid(), "127.0.0.1", 8, 0, "ok", now, now));
        Cli audit = Cli.run("audit", "--store", store.root().toString());

        // Then the audit fails and names it
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains("[FAIL] every running server answers from the current version")
                .contains("127.0.0.1:8 (pid " + ProcessHandle.current().pid() + ") answers with model version 0, not the current version 1");
        Files.delete(ServerLeases.file(store, ProcessHandle.current().pid(), 8));
    }

    private static int version(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("modelVersion").asInt();
    }
}
