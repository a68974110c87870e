package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lethe train --sisa} on a text data set trains a language-model store (a gpt per shard, byte tokens, the task's
 * metrics), and {@code lethe forget --subject} forgets a character from it; a classifier's model on text is refused.
 */
class SisaTextStoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tiny play: four speakers, three short turns each. */
    private static Path play(Path dir) throws Exception {
        StringBuilder text = new StringBuilder();
        String[] speakers = {"ROMEO", "JULIET", "NURSE", "MERCUTIO"};
        for (int turn = 0; turn < 3; turn++) {
            for (String speaker : speakers) {
                text.append(speaker).append(":\n").append("Line ").append(turn).append(" of ").append(speaker.toLowerCase()).append(".\n\n");
            }
        }
        Path folder = Files.createDirectories(dir.resolve("play"));
        Files.writeString(folder.resolve("input.txt"), text);
        return folder;
    }

    @Test
    void trainsALanguageModelStoreFromTextAndForgetsACharacter(@TempDir Path dir) throws Exception {
        Path data = play(dir);
        Path store = dir.resolve("store");
        Cli trained = Cli.run("train", "--sisa", "--dataset", "tinyshakespeare", "--data", data.toString(), "--model", "gpt:16,1,2,64",
                "--shards", "2", "--slices", "1", "--assign", "subject", "--aggregation", "softmax", "--epochs", "1", "--batch-size", "4",
                "--store", store.toString(), "--json");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode doc = JSON.readTree(trained.out());
        assertThat(doc.at("/manifest/dataset/tokenizer").asText()).isEqualTo("bytes");
        assertThat(doc.at("/test/task").asText()).isEqualTo("next-token");
        assertThat(doc.at("/manifest/models/0/metrics").has("testTokenLoss")).isTrue();

        Cli forget = Cli.run("forget", "--store", store.toString(), "--subject", "JULIET", "--json");
        assertThat(forget.exitCode()).as(forget.err()).isZero();
        JsonNode receipt = JSON.readTree(forget.out()).at("/receipts/0");
        assertThat(receipt.get("matchedTrainRecords").asInt() + receipt.get("matchedTestRecords").asInt()).isEqualTo(3);
        assertThat(receipt.get("modelVersion").asInt()).isEqualTo(2);

        // A classifier's model on text is refused in words, and so is the vote
        Cli mlp = Cli.run("train", "--sisa", "--dataset", "tinyshakespeare", "--data", data.toString(), "--model", "mlp",
                "--store", dir.resolve("mlp").toString());
        assertThat(mlp.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(mlp.err()).contains("holds text, which trains a language model: use --model gpt");
        Cli vote = Cli.run("train", "--sisa", "--dataset", "tinyshakespeare", "--data", data.toString(), "--model", "gpt:16,1,2,64",
                "--store", dir.resolve("vote").toString());
        assertThat(vote.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(vote.err()).contains("use the softmax aggregation (--aggregation softmax)");
    }

    @Test
    void thePlainTrainCommandPointsTextToTheLanguageModelCommands(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("train", "--dataset", "tinyshakespeare", "--data", play(dir).toString(), "--store", dir.resolve("s").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("lethe lm train").contains("--sisa");
        assertThat(dir.resolve("s")).doesNotExist();
    }
}
