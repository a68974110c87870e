package dev.lethe.core.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request's free-text reason is personal data (issue 12.4): it is kept outside the hash chain, for a retention
 * period after the request finishes or until it is redacted, and then leaves no byte in the ledger files, while the
 * chain stays intact.
 */
class LedgerReasonsTest {

    private static final String REASON = "GDPR request from Jane Roe, jane@example.com";

    @TempDir
    Path dir;

    private static ForgetRequest doneRequest(Ledger ledger, String value) {
        ForgetRequest r = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(value), REASON, null), "alice");
        ledger.markRunning(List.of(r.id()), "batch-1");
        ledger.complete(r.id(), "{\"ok\":true}");
        return r;
    }

    /** Whether the reason's bytes occur in ledger.db or its write-ahead log. */
    private static boolean inFiles(Path db) throws Exception {
        StringBuilder bytes = new StringBuilder(new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1));
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        if (Files.exists(wal)) {
            bytes.append(new String(Files.readAllBytes(wal), StandardCharsets.ISO_8859_1));
        }
        return bytes.toString().contains("Jane Roe");
    }

    @Test
    void aRedactedReasonLeavesNoByteAndTheChainStaysIntact() throws Exception {
        Path file = dir.resolve("ledger.db");
        try (Ledger ledger = Ledger.open(file)) {
            // Given a done request whose reason is held, and reached the database file
            ForgetRequest r = doneRequest(ledger, "subject-1");
            assertThat(ledger.find(r.id()).orElseThrow().reason()).isEqualTo(REASON);
            assertThat(inFiles(file)).as("the scan sees a reason that is stored").isTrue();
            // and no event holds it
            assertThat(ledger.events()).noneSatisfy(e -> assertThat(e.payload()).contains("Jane"));
            // When it is redacted
            assertThat(ledger.redactReason(r.id())).isTrue();
            // Then it is gone from the request and from the files, the event names the request only, and the chain holds
            assertThat(ledger.find(r.id()).orElseThrow().reason()).isNull();
            assertThat(inFiles(file)).isFalse();
            AuditEvent last = ledger.events().get(ledger.events().size() - 1);
            assertThat(last.type()).isEqualTo("request.reason-redacted");
            assertThat(last.requestId()).isEqualTo(r.id());
            assertThat(ledger.verifyChain().intact()).isTrue();
            // and redacting again says there was nothing left; an unknown request is refused
            assertThat(ledger.redactReason(r.id())).isFalse();
            assertThatThrownBy(() -> ledger.redactReason("req-000000000000")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no forget request req-000000000000");
        }
    }

    @Test
    void aReasonIsKeptForItsRetentionThenPurgedWhenALedgerIsOpened() throws Exception {
        Path file = dir.resolve("ledger.db");
        String kept;
        String expired;
        String pending;
        try (Ledger ledger = Ledger.open(file)) {
            kept = doneRequest(ledger, "subject-1").id();            // default: 30 days
            // long enough that the purge at the batch's own completion keeps it, even on a loaded machine
            ledger.reasonRetention(Duration.ofSeconds(2));
            expired = doneRequest(ledger, "subject-2").id();
            pending = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("subject-3"), REASON, null), "alice").id();
            assertThat(ledger.find(expired).orElseThrow().reason()).isEqualTo(REASON);
        }
        Thread.sleep(2_100);
        try (Ledger ledger = Ledger.open(file)) {
            // the expired reason went when the ledger was opened; a reason within its retention and a pending one stay
            assertThat(ledger.purgedOnOpen()).isEqualTo(1);
            assertThat(ledger.find(expired).orElseThrow().reason()).isNull();
            assertThat(ledger.find(kept).orElseThrow().reason()).isEqualTo(REASON);
            assertThat(ledger.find(pending).orElseThrow().reason()).isEqualTo(REASON);
            assertThat(ledger.events()).anySatisfy(e -> assertThat(e.type()).isEqualTo("reasons.purged"));
            assertThat(ledger.verifyChain().intact()).isTrue();
            assertThat(ledger.purgeExpiredReasons()).isZero();
        }
        assertThatThrownBy(() -> Ledger.open(file).reasonRetention(Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero or more");
    }

    @Test
    void aZeroRetentionDeletesTheReasonWhenTheRequestIsDone() throws Exception {
        Path file = dir.resolve("ledger.db");
        try (Ledger ledger = Ledger.open(file).reasonRetention(Duration.ZERO)) {
            ForgetRequest r = doneRequest(ledger, "subject-1");
            assertThat(ledger.find(r.id()).orElseThrow().reason()).isNull();
            assertThat(inFiles(file)).isFalse();
        }
    }

    @Test
    void reasonsOfAnOlderLedgerMoveOutOfTheRequestsTable() throws Exception {
        // Given a ledger written before request_reasons: the reason in requests.reason
        Path file = dir.resolve("ledger.db");
        String id;
        try (Ledger ledger = Ledger.open(file)) {
            id = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("subject-1"), null, null), "alice").id();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE requests SET reason = '" + REASON + "' WHERE id = '" + id + "'");
        }
        // When it is opened
        try (Ledger ledger = Ledger.open(file)) {
            // Then the reason is held apart (and so can be redacted), and the old column is empty
            assertThat(ledger.find(id).orElseThrow().reason()).isEqualTo(REASON);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT COUNT(*) FROM requests WHERE reason IS NOT NULL")) {
                assertThat(rs.getInt(1)).isZero();
            }
            assertThat(ledger.redactReason(id)).isTrue();
            assertThat(inFiles(file)).isFalse();
        }
    }
}
