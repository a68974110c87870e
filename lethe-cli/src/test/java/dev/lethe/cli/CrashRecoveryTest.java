package dev.lethe.cli;

import dev.lethe.core.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability of forgetting (issue: SISA): a real child process running {@code lethe forget} is killed
 * at several points; rerunning finishes the request exactly once, with the same final model as an
 * uninterrupted run and an intact audit.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path template;
    static JsonNode uninterrupted;
    static String person;

    @BeforeAll
    static void trainAndForgetOnceWithoutCrashing() throws Exception {
        template = dir.resolve("template");
        Cli trained = Cli.run("train", "--sisa", "--shards", "4", "--slices", "3", "--assign", "subject", "--subjects", "60",
                "--epochs", "2", "--model", "mlp:32", "--store", template.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        person = "subject-7";
        Path reference = Store.open(template).copyTo(dir.resolve("reference")).root();
        Cli forgot = Cli.run("forget", "--store", reference.toString(), "--subject", person);
        assertThat(forgot.exitCode()).as(forgot.err()).isZero();
        uninterrupted = JSON.readTree(reference.resolve("manifest.json").toFile()).at("/models/1");
        assertThat(uninterrupted.get("retrained")).isNotEmpty();
    }


    private static Process child(List<String> jvmOptions, String... args) throws IOException {
        return new ProcessBuilder(ChildJvm.command(jvmOptions, List.of(args))).redirectErrorStream(true).start();
    }

    private static int await(Process p) throws Exception {
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("child finished").isTrue();
        return p.exitValue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"after-accept", "mid-retrain", "before-switch", "after-switch", "after-purge"})
    void aKilledForgetFinishesOnRerunWithTheSameModel(String crashPoint) throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("crash-" + crashPoint)).root();
        // When a child process is killed at the crash point
        Process killed = child(List.of("-Dlethe.crashAt=" + crashPoint), "forget", "--store", store.toString(), "--subject", person);
        int killedExit = await(killed);
        String killedOutput = new String(killed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(killedExit).as(killedOutput).isEqualTo(CrashPoints.EXIT_STATUS);
        // Then the request was durable: the ledger holds it, not yet done
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.pending()).hasSize(1);
        }
        // When a new process resumes
        Process resumed = child(List.of(), "forget", "--store", store.toString(), "--resume");
        int resumedExit = await(resumed);
        String resumedOutput = new String(resumed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(resumedExit).as(resumedOutput).isZero();
        assertThat(resumedOutput).contains("receipt");
        // Then the request is done exactly once, the model equals the uninterrupted run's, and the audit passes
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.pending()).isEmpty();
            assertThat(ledger.list(null, 0, 10)).hasSize(1).allSatisfy(r -> assertThat(r.status()).isEqualTo(RequestStatus.DONE));
        }
        JsonNode manifest = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(manifest.get("models")).hasSize(2);
        JsonNode version = manifest.at("/models/1");
        assertThat(version.get("checkpoints")).isEqualTo(uninterrupted.get("checkpoints"));
        assertThat(version.get("checkpointSha256")).isEqualTo(uninterrupted.get("checkpointSha256"));
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).as(audit.out()).isZero();
    }
}
