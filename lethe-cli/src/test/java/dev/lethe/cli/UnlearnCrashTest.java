package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code lethe unlearn} process killed before or after its manifest switch (issue 12): the store
 * still opens on a verified current model, the audit names the model file that is left over, and the
 * next {@code unlearn} deletes it, so no model trained on the forgotten records stays on disk.
 */
class UnlearnCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path template;

    @BeforeAll
    static void train() {
        template = dir.resolve("template");
        Cli r = Cli.run("train", "--store", template.toString(), "--subjects", "60", "--epochs", "3", "--model", "mlp:32");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private static List<String> modelFiles(Path store) throws Exception {
        try (Stream<Path> files = Files.list(store.resolve("models"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"unlearn-before-switch", "unlearn-after-switch"})
    void aKilledUnlearnLeavesAnAuditThatSaysWhatIsPendingAndTheNextRunFinishesIt(String crashPoint) throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve(crashPoint)).root();
        // When a child process is killed at the crash point
        Process killed = new ProcessBuilder(ChildJvm.command(List.of("-Dlethe.crashAt=" + crashPoint),
                List.of("unlearn", "--store", store.toString(), "--method", "kl", "--subject", "subject-7"))).redirectErrorStream(true).start();
        assertThat(killed.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String output = new String(killed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(killed.exitValue()).as(output).isEqualTo(CrashPoints.EXIT_STATUS);
        boolean switched = crashPoint.endsWith("after-switch");

        // Then the store serves a verified model (the old one, or the new one if the switch happened)
        JsonNode manifest = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(manifest.get("currentVersion").asInt()).isEqualTo(switched ? 2 : 1);
        assertThat(Cli.run("eval", "--store", store.toString()).exitCode()).isZero();
        // and the audit fails, naming the model file that must go
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains("[FAIL] no model file trained on forgotten records remains")
                .contains(switched ? "models/model-v1.lethe-model" : "models/model-v2.lethe-model")
                .contains("the next 'lethe unlearn'");

        // When the next unlearn runs, the leftover goes and the audit passes
        Cli next = Cli.run("unlearn", "--store", store.toString(), "--method", "kl", "--subject", "subject-11", "--json");
        assertThat(next.exitCode()).as(next.err()).isZero();
        int version = switched ? 3 : 2;
        assertThat(modelFiles(store)).containsExactly("model-v" + version + ".lethe-model");
        assertThat(JSON.readTree(next.out()).get("purged")).extracting(JsonNode::asText)
                .contains("models/model-v1.lethe-model");
        assertThat(JSON.readTree(next.out()).at("/receipt/purgedLeftovers")).extracting(JsonNode::asText)
                .containsExactly(switched ? "models/model-v1.lethe-model" : "models/model-v2.lethe-model");
        assertThat(Cli.run("audit", "--store", store.toString()).exitCode()).isZero();
        if (switched) {
            // the first request was applied before the crash: its person stays out of the second run
            assertThat(JSON.readTree(next.out()).at("/receipt/excludedEarlier").asInt()).isPositive();
        }
    }
}
