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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of the service: {@code lethe serve} runs as a real child JVM and is killed (a crash point halts
 * it, as SIGKILL would) while a batch of accepted requests is being processed. A restarted server finishes every
 * accepted request exactly once, the audit passes, and the final model is bit-identical to an uninterrupted run's.
 */
class ServeCrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/v1");
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


    /** A {@code lethe serve} child process and the port it announced. */
    private record Child(Process process, int port, StringBuffer output) {

        static Child serve(Path store, List<String> jvmOptions) throws Exception {
            Process p = new ProcessBuilder(ChildJvm.command(jvmOptions,
                    List.of("serve", "--store", store.toString(), "--port", "0", "--batch-window-ms", "1500"))).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        output.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    port.completeExceptionally(e);
                }
                port.completeExceptionally(new AssertionError("the server exited before listening:\n" + output));
            });
            reader.setDaemon(true);
            reader.start();
            return new Child(p, port.get(120, TimeUnit.SECONDS), output);
        }

        HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        }

        int awaitExit() throws Exception {
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("server exited:\n" + output).isTrue();
            return process.exitValue();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"mid-retrain", "after-switch", SIGKILL})
    void aServerKilledMidBatchFinishesEveryAcceptedRequestOnceAfterRestart(String crashPoint) throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("crash-" + crashPoint)).root();
        Cli created = Cli.run("tokens", "create", "--store", store.toString(), "--name", "ops", "--role", "admin", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = JSON.readTree(created.out()).get("token").asText();

        // Given a server that will die at the crash point, and three people's requests it acknowledged
        Child doomed = Child.serve(store, crashPoint.equals(SIGKILL) ? List.of() : List.of("-Dlethe.crashAt=" + crashPoint));
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
        Child restarted = Child.serve(store, List.of());
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

    private static JsonNode awaitDone(Child server, String token, String id) throws Exception {
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
