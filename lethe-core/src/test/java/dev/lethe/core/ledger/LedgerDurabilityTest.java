package dev.lethe.core.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerDurabilityTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ledger.db");
    }

    @Test
    void anAcceptedRequestSurvivesCloseAndReopen() {
        // Given a request accepted on a ledger that is then closed
        ForgetRequest accepted;
        try (Ledger ledger = Ledger.open(file())) {
            accepted = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("rec-1", "rec-2"), "gdpr", null), "alice");
        }

        // When the file is opened again
        try (Ledger reopened = Ledger.open(file())) {
            // Then the request is there, unchanged, and still pending
            assertThat(reopened.find(accepted.id())).contains(accepted);
            assertThat(reopened.pending()).containsExactly(accepted);
            assertThat(reopened.verifyChain().intact()).isTrue();
        }
    }

    @Test
    void aRequestAcceptedByAProcessKilledRightAfterwardsIsThereOnReopen() throws Exception {
        // Given a child JVM that accepts a request and prints its id
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LedgerChild.class.getName(), file().toString())
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        String id;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            id = out.readLine();
        } finally {
            // When it is killed as soon as accept has returned (no close, no shutdown hooks)
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(id).as(() -> "the child's request id; its stderr: " + readQuietly(dir.resolve("child.err"))).matches("req-[0-9a-f]{12}");

        // Then the parent finds that request, with its values, and an intact chain
        try (Ledger ledger = Ledger.open(file())) {
            ForgetRequest found = ledger.find(id).orElseThrow();
            assertThat(found.status()).isEqualTo(RequestStatus.ACCEPTED);
            assertThat(found.values()).containsExactly("subject-crash-1", "subject-crash-2");
            assertThat(found.principal()).isEqualTo("child");
            assertThat(ledger.verifyChain()).isEqualTo(new ChainCheck(true, 1, null, null));
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void anIdempotencyKeyStillReturnsTheOriginalAfterReopen() {
        // Given a request accepted with an idempotency key, on a ledger since closed
        RequestSpec spec = new RequestSpec(ForgetKind.SUBJECTS, List.of("subj-9"), null, "client-key-1");
        ForgetRequest first;
        try (Ledger ledger = Ledger.open(file())) {
            first = ledger.accept(spec, "alice");
        }

        // When the same submission is retried after a restart
        try (Ledger reopened = Ledger.open(file())) {
            ForgetRequest retried = reopened.accept(spec, "alice");

            // Then the original comes back and no second request or event exists
            assertThat(retried).isEqualTo(first);
            assertThat(reopened.list(null, 0, 10)).hasSize(1);
            assertThat(reopened.events()).hasSize(1);
        }
    }

    @Test
    void theFileIsInWalModeWithSchemaVersionOne() throws Exception {
        // Given a freshly created ledger
        try (Ledger ignored = Ledger.open(file())) {
            // When another connection inspects the file
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                 Statement s = c.createStatement()) {
                // Then write-ahead logging is on (a property of the file) and the schema is version 1
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("wal");
                }
                try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    @Test
    void aLedgerWrittenByANewerSchemaIsRefused() throws Exception {
        // Given a ledger whose schema version was raised by a newer Lethe
        Ledger.open(file()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE schema_version SET version = 2");
        }

        // When this Lethe opens it, Then it refuses with the versions named
        assertThatThrownBy(() -> Ledger.open(file()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("schema version 2")
                .hasMessageContaining("reads version 1");
    }
}
