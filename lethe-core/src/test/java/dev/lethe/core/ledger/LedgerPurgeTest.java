package dev.lethe.core.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** "Deleted means deleted" (docs/ARCHITECTURE.md#the-store-and-its-invariants): a DONE request's raw values leave no bytes behind in ledger.db. */
class LedgerPurgeTest {

    private static final List<String> FORGOTTEN = List.of("subject-QX7-erase-me", "subject-ZK2-erase-me", "subject-PW9-erase-me");
    private static final String KEPT = "subject-KEEP-pending";

    @TempDir
    Path dir;

    @Test
    void completingARequestErasesItsRawValuesFromTheDatabaseFiles() throws Exception {
        // Given a running request for three subjects, another pending request, and values that reached the db file
        Path file = dir.resolve("ledger.db");
        try (Ledger ledger = Ledger.open(file)) {
            ForgetRequest r = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, FORGOTTEN, null, null), "alice");
            ForgetRequest other = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(KEPT), null, null), "alice");
            ledger.markRunning(List.of(r.id()), "batch-1");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            assertThat(found(file, FORGOTTEN)).as("the scan sees values that are stored").containsExactlyElementsOf(FORGOTTEN);

            // When the request completes (which checkpoints and truncates the write-ahead log itself)
            ledger.complete(r.id(), "{\"shards\":[1,4]}");

            // Then no byte of ledger.db or its log spells a forgotten value, while the pending request's value remains
            assertThat(found(file, FORGOTTEN)).isEmpty();
            assertThat(found(file, List.of(KEPT))).containsExactly(KEPT);

            // And the request keeps only the count and digest of what it erased
            ForgetRequest done = ledger.find(r.id()).orElseThrow();
            assertThat(done.values()).isEmpty();
            assertThat(done.valuesCount()).isEqualTo(3);
            assertThat(done.valuesDigest()).isEqualTo(LedgerRequestsTest.sha256(String.join("\n", FORGOTTEN.stream().sorted().toList())));
            assertThat(ledger.find(other.id()).orElseThrow().values()).containsExactly(KEPT);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM request_values WHERE request_id = '" + r.id() + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    /** The values whose UTF-8 bytes occur in ledger.db or ledger.db-wal. */
    private static List<String> found(Path db, List<String> values) throws IOException {
        String bytes = new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        if (Files.exists(wal)) {
            bytes += new String(Files.readAllBytes(wal), StandardCharsets.ISO_8859_1);
        }
        List<String> hits = new ArrayList<>();
        for (String v : values) {
            if (bytes.contains(new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
                hits.add(v);
            }
        }
        return hits;
    }
}
