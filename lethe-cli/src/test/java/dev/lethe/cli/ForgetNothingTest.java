package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing changes, nothing is versioned (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 5): a forget that matches nothing makes no new
 * model version and its receipt says why in words; a record id that names no record is a user error (exit 2).
 */
class ForgetNothingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path store;

    @BeforeAll
    static void trainAStore() {
        store = dir.resolve("store");
        Cli.trainSmallSisa(store, 2, 1, "mlp:16");
    }

    private static JsonNode manifest() throws Exception {
        return JSON.readTree(store.resolve("manifest.json").toFile());
    }

    @Test
    void requestsThatMatchNothingMakeNoVersionAndSayWhyAndAnUnknownRecordIdIsRefused() throws Exception {
        // An unknown record id: refused before anything is recorded, showing the id format of this store
        Cli unknown = Cli.run("forget", "--store", store.toString(), "--record", "12345");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("values[0] names no record of this store").containsPattern("record ids here look like '[^']+'")
                .doesNotContain("12345");
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 10)).isEmpty();
        }

        // A person the store holds nothing about: done, in words, and no new version
        Cli nobody = Cli.run("forget", "--store", store.toString(), "--subject", "nobody-here");
        assertThat(nobody.exitCode()).as(nobody.err()).isZero();
        assertThat(nobody.out()).contains("no data held about this subject; nothing changed; model version 1 still serves");
        assertThat(manifest().get("currentVersion").asInt()).isEqualTo(1);
        assertThat(manifest().get("models")).hasSize(1);

        // A person forgotten once, then asked for again
        JsonNode shard0 = manifest().at("/dataFiles/shards");
        String recordOfSubject7 = null;
        for (JsonNode f : shard0) {
            TrainingDataFile.Metadata m = TrainingDataFile.readMetadata(store.resolve(f.asText()));
            int at = Arrays.asList(m.subjects()).indexOf("subject-7");
            if (at >= 0) {
                recordOfSubject7 = m.ids().get(at);
            }
        }
        assertThat(recordOfSubject7).isNotNull();
        Cli first = Cli.run("forget", "--store", store.toString(), "--subject", "subject-7", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode firstReceipt = JSON.readTree(first.out()).at("/receipts/0");
        assertThat(firstReceipt.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(firstReceipt.get("outcome").asText()).startsWith("removed ");
        Cli again = Cli.run("forget", "--store", store.toString(), "--subject", "subject-7");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already forgotten by " + firstReceipt.get("requestId").asText() + " on "
                + LocalDate.now(ZoneOffset.UTC)).contains("model version 2 still serves");

        // A record that was forgotten with its person: known (its tombstone), so not an error, and nothing changes
        Cli record = Cli.run("forget", "--store", store.toString(), "--record", recordOfSubject7);
        assertThat(record.exitCode()).as(record.err()).isZero();
        assertThat(record.out()).contains("already forgotten; nothing changed; model version 2 still serves");
        assertThat(manifest().get("models")).hasSize(2);

        // And the audit accepts done requests that changed nothing
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.out()).contains("4 request(s) done, all applied");
        assertThat(Store.open(store).readManifest().current().requests()).hasSize(1);

        // the same key again: the original request, done, with its receipt, and nothing new in the ledger
        Cli keyed = Cli.run("forget", "--store", store.toString(), "--subject", "subject-9", "--idempotency-key", "ticket-42", "--json");
        assertThat(keyed.exitCode()).as(keyed.err()).isZero();
        String keyedId = JSON.readTree(keyed.out()).get("accepted").asText();
        Cli repeated = Cli.run("forget", "--store", store.toString(), "--subject", "subject-9", "--idempotency-key", "ticket-42");
        assertThat(repeated.exitCode()).as(repeated.err()).isZero();
        assertThat(repeated.out()).contains("already accepted  " + keyedId + " at ").contains("(this idempotency key), done, receipt: removed ")
                .contains("lethe requests show --store").doesNotContain("nothing pending");
        JsonNode repeatedJson = JSON.readTree(Cli.run("forget", "--store", store.toString(), "--subject", "subject-9", "--idempotency-key",
                "ticket-42", "--json").out());
        assertThat(repeatedJson.get("repeated").asBoolean()).isTrue();
        assertThat(repeatedJson.get("accepted").asText()).isEqualTo(keyedId);
        assertThat(repeatedJson.at("/receipt/requestId").asText()).isEqualTo(keyedId);
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 100).stream().filter(r -> r.id().equals(keyedId))).hasSize(1);
        }
    }
}
