package dev.lethe.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ShardExecutors;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lethe forget --subject "Author Name"} on a language-model SISA store reaches done, with the receipt, the ledger
 * and the audit as on a classifier's store; a class request is refused in words.
 */
class ForgetLanguageModelStoreTest {

    private static final List<String> AUTHORS = List.of("Ada Quill", "Bo Lindqvist", "Cyra Okafor");

    /** Two question–answer pairs per author in byte tokens, each record's subject its author. */
    private static RecordSet authorQa(String prefix) {
        List<int[]> sequences = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (String author : AUTHORS) {
            for (String[] qa : new String[][]{{"Where was " + author + " born?", "In Oslo."}, {"What does " + author + " write?", "Crime."}}) {
                QaFormat.Encoded e = QaFormat.encode(ByteTokenizer.INSTANCE, qa[0], qa[1]);
                sequences.add(e.tokens());
                starts.add(e.answerStart());
                ids.add(prefix + "-" + ids.size());
                subjects.add(author);
            }
        }
        TokenSequences tokens = TokenSequences.of(sequences, ByteTokenizer.INSTANCE.vocabularySize());
        return new RecordSet(prefix, ids.toArray(String[]::new), subjects.toArray(String[]::new), tokens,
                NextTokenTargets.fromPosition(tokens, starts.stream().mapToInt(Integer::intValue).toArray()));
    }

    @Test
    void forgettingAnAuthorByNameReachesDone(@TempDir Path dir) throws Exception {
        // Given a language-model store: 2 shards of a one-layer gpt over bytes, authors kept whole in one shard
        SisaConfig config = new SisaConfig(new ShardPlan(2, 1, Assignment.SUBJECT, 42),
                GptFamily.spec("gpt:16,1,2,64", ByteTokenizer.INSTANCE.vocabularySize()),
                new TrainConfig(1, 4, OptimizerKind.ADAM, 1e-2f, 0f, 0f, 42), Aggregation.MEAN_SOFTMAX, 2);
        TorchRuntime.start(config.threads());
        Path store = dir.resolve("store");
        RecordSet train = authorQa("qa");
        SisaService.train(store, new DatasetRef.Loaded(new DatasetRef("author-qa", null, null, null, null, null, 0, 0.2, 0, 0, 1), train,
                authorQa("held"), train.fingerprint()), config, false, ShardExecutors.local(), ByteTokenizer.INSTANCE, Device.cpu(),
                TrainListener.NONE, e -> {
                });

        // When an author is forgotten by name from the command line
        Cli forget = Cli.run("forget", "--store", store.toString(), "--subject", "Cyra Okafor", "--json");

        // Then the request is done: both of the author's pairs on each side went, one shard retrained, version 2 serves
        assertThat(forget.exitCode()).as(forget.err()).isZero();
        JsonNode receipt = new ObjectMapper().readTree(forget.out()).at("/receipts/0");
        assertThat(receipt.get("matchedTrainRecords").asInt()).isEqualTo(2);
        assertThat(receipt.get("matchedTestRecords").asInt()).isEqualTo(2);
        assertThat(receipt.get("retrained")).hasSize(1);
        assertThat(receipt.get("modelVersion").asInt()).isEqualTo(2);
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.find(receipt.get("requestId").asText()).orElseThrow().status()).isEqualTo(RequestStatus.DONE);
        }
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).as(audit.out()).isZero();

        // And a class request is refused in words, before anything is recorded
        Cli label = Cli.run("forget", "--store", store.toString(), "--label", "0");
        assertThat(label.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(label.err()).contains("has no classes: forget by record id or by subject");
    }
}
