package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lethe bench lm-throughput}: a tiny run reports every figure as JSON; a bad size is exit 2. */
class BenchLmThroughputTest {

    @Test
    void aTinyRunPrintsTrainingAndGenerationFiguresAsJson() throws Exception {
        Cli r = Cli.run("bench", "lm-throughput", "--model", "gpt:16,1,2,32", "--batch-size", "2", "--length", "12", "--windows", "2",
                "--steps", "1", "--generate", "4", "--threads", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        JsonNode doc = Store.json().readTree(r.out());
        assertThat(doc.path("model").asText()).isEqualTo("gpt:16,1,2,32");
        assertThat(doc.path("batch").asInt()).isEqualTo(2);
        assertThat(doc.path("windowTokensPerSecond")).hasSize(2);
        assertThat(doc.path("trainTokensPerSecond").asDouble()).isPositive();
        assertThat(doc.path("msPerStep").asDouble()).isCloseTo(1000.0 * 2 * 12 / doc.path("trainTokensPerSecond").asDouble(),
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(doc.path("generateTokensPerSecondCached").asDouble()).isPositive();
        assertThat(doc.path("generateTokensPerSecondUncached").asDouble()).isPositive();
    }

    @Test
    void aBatchOfZeroIsRefusedWithExitTwo() {
        Cli r = Cli.run("bench", "lm-throughput", "--batch-size", "0");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--batch-size");
    }
}
