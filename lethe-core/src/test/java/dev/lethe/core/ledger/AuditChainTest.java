package dev.lethe.core.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditChainTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ledger.db");
    }

    /** Five events: accepted, running, done, then two from other components. */
    private void writeFiveEvents() {
        try (Ledger ledger = Ledger.open(file())) {
            ForgetRequest r = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("rec-1"), null, null), "alice");
            ledger.markRunning(List.of(r.id()), "batch-1");
            ledger.complete(r.id(), "{}");
            ledger.append("model.switched", null, "lethe", Map.of("from", 1, "to", 2));
            ledger.append("store.purged", r.id(), "lethe", Map.of("checkpoints", 3));
        }
    }

    private void tamper(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate(sql)).as("rows changed by " + sql).isEqualTo(1);
        }
    }

    private ChainCheck verify() {
        try (Ledger ledger = Ledger.open(file())) {
            return ledger.verifyChain();
        }
    }

    @Test
    void eachHashFollowsTheDocumentedFormulaFromAGenesisOfZeros() throws Exception {
        // Given five events
        writeFiveEvents();

        // When they are read back
        List<AuditEvent> events;
        try (Ledger ledger = Ledger.open(file())) {
            events = ledger.events();
        }

        // Then seq counts from 1, each links to the previous hash, and each hash is recomputed independently here
        assertThat(events).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events).extracting(AuditEvent::type)
                .containsExactly("request.accepted", "request.running", "request.done", "model.switched", "store.purged");
        String prev = "0".repeat(64);
        for (AuditEvent e : events) {
            assertThat(e.prevHash()).isEqualTo(prev);
            String expected = LedgerRequestsTest.sha256(prev + "\n" + e.seq() + "\n" + e.at() + "\n" + e.type() + "\n"
                    + (e.requestId() == null ? "" : e.requestId()) + "\n" + e.principal() + "\n" + e.payload());
            assertThat(e.hash()).isEqualTo(expected);
            assertThat(e.at()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            prev = e.hash();
        }
        assertThat(events.get(3).requestId()).isNull();
        assertThat(verify()).isEqualTo(new ChainCheck(true, 5, null, null));
    }

    @Test
    void payloadsAreCanonicalJsonWithSortedKeysAndNoRawValues() {
        // Given a payload whose keys arrive unsorted, nested, and a request for a subject
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of("x", "y"));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", 2);
        payload.put("detail", inner);

        try (Ledger ledger = Ledger.open(file())) {
            // When both are logged
            ForgetRequest r = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("subj-secret"), "why", "k"), "alice");
            AuditEvent appended = ledger.append("model.switched", null, "ops", payload);

            // Then keys are sorted at every level, without whitespace, and the request event holds only count and digest
            assertThat(appended.payload()).isEqualTo("{\"detail\":{\"a\":[\"x\",\"y\"],\"z\":1},\"version\":2}");
            assertThat(ledger.events().get(0).payload()).isEqualTo(
                    "{\"kind\":\"SUBJECTS\",\"valuesCount\":1,\"valuesDigest\":\"" + r.valuesDigest() + "\"}");
            assertThat(ledger.events()).last().isEqualTo(appended);
        }
    }

    @Test
    void anEditedPayloadIsDetectedAtItsSeq() throws Exception {
        // Given five chained events
        writeFiveEvents();

        // When event 3's payload is edited behind the ledger's back
        tamper("UPDATE events SET payload = '{\"valuesCount\":0}' WHERE seq = 3");

        // Then the check names seq 3
        ChainCheck check = verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(3L);
        assertThat(check.eventsChecked()).isEqualTo(3);
        assertThat(check.problem()).contains("seq 3").contains("does not match its contents");
    }

    @Test
    void aDeletedMiddleEventIsDetectedAtTheEventAfterIt() throws Exception {
        // Given five chained events
        writeFiveEvents();

        // When event 3 is deleted
        tamper("DELETE FROM events WHERE seq = 3");

        // Then the check stops at seq 4 and says seq 3 is missing
        ChainCheck check = verify();
        assertThat(check.intact()).isFalse();
        assertThat(check.firstBrokenSeq()).isEqualTo(4L);
        assertThat(check.problem()).contains("seq 4 found where seq 3 was expected").contains("deleted");
    }

    @Test
    void aReplacedHashIsDetectedAtItsSeq() throws Exception {
        // Given five chained events
        writeFiveEvents();

        // When event 2's stored hash is overwritten
        tamper("UPDATE events SET hash = '" + "ab".repeat(32) + "' WHERE seq = 2");

        // Then the check names seq 2
        ChainCheck check = verify();
        assertThat(check.firstBrokenSeq()).isEqualTo(2L);
        assertThat(check.problem()).contains("seq 2");
    }

    @Test
    void anEditThatAlsoRecomputesItsOwnHashBreaksTheNextLink() throws Exception {
        // Given five chained events
        writeFiveEvents();

        // When event 4 is edited and given the hash its new contents call for
        AuditEvent original;
        try (Ledger ledger = Ledger.open(file())) {
            original = ledger.events().get(3);
        }
        AuditEvent forged = new AuditEvent(4, original.at(), original.type(), null, original.principal(),
                "{\"from\":1,\"to\":9}", original.prevHash(), "");
        tamper("UPDATE events SET payload = '" + forged.payload() + "', hash = '" + forged.computeHash() + "' WHERE seq = 4");

        // Then event 4 passes on its own but event 5's link to it fails
        ChainCheck check = verify();
        assertThat(check.firstBrokenSeq()).isEqualTo(5L);
        assertThat(check.problem()).contains("seq 5").contains("prev_hash");
    }
}
