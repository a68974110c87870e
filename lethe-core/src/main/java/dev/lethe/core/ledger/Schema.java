package dev.lethe.core.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the ledger tables when absent and refuses a database written by a newer schema. Plain SQL that
 * SQLite and PostgreSQL both accept. Raw request values live apart from the requests, in
 * {@code request_values}, so that completing a request can delete them while the request row keeps only
 * their count and digest. The caller's free-text reason lives in {@code request_reasons}, outside the events'
 * hash chain, so that it can be deleted when its retention ends ({@link Ledger#purgeExpiredReasons}) without
 * touching the chain; the {@code requests.reason} column of older ledgers is emptied into it on open.
 */
final class Schema {

    static final int VERSION = 1;

    private static final String[] TABLES = {
            """
            CREATE TABLE IF NOT EXISTS requests (
              id TEXT PRIMARY KEY,
              accepted_seq INTEGER NOT NULL UNIQUE,
              kind TEXT NOT NULL,
              values_count INTEGER NOT NULL,
              values_digest TEXT NOT NULL,
              reason TEXT,
              principal TEXT NOT NULL,
              idempotency_key TEXT UNIQUE,
              status TEXT NOT NULL,
              accepted_at TEXT NOT NULL,
              completed_at TEXT,
              batch_id TEXT,
              receipt_json TEXT,
              failure TEXT)""",
            "CREATE INDEX IF NOT EXISTS requests_by_status ON requests (status, accepted_seq)",
            """
            CREATE TABLE IF NOT EXISTS request_values (
              request_id TEXT NOT NULL REFERENCES requests (id),
              ordinal INTEGER NOT NULL,
              raw_value TEXT NOT NULL,
              PRIMARY KEY (request_id, ordinal))""",
            """
            CREATE TABLE IF NOT EXISTS events (
              seq INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              type TEXT NOT NULL,
              request_id TEXT NULL,
              principal TEXT NOT NULL,
              payload TEXT NOT NULL,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS request_reasons (
              request_id TEXT PRIMARY KEY REFERENCES requests (id),
              reason TEXT NOT NULL,
              expires_at TEXT)""",
            "CREATE INDEX IF NOT EXISTS request_reasons_by_expiry ON request_reasons (expires_at)"
    };

    private Schema() {
    }

    static void ensure(Connection c, String url) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            Integer found = null;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    int v = rs.getInt(1);
                    found = rs.wasNull() ? null : v;
                }
            }
            if (found != null && found != VERSION) {
                throw new LedgerException(url + " has ledger schema version " + found + "; this Lethe reads version "
                        + VERSION + (found > VERSION ? " (upgrade Lethe)" : ""));
            }
            for (String table : TABLES) {
                s.execute(table);
            }
            if (found == null) {
                s.execute("INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
            }
        }
        moveReasons(c);
    }

    /**
     * Ledgers written before {@code request_reasons} kept the reason in {@code requests.reason}, forever: move each
     * into {@code request_reasons} (expiring {@link Ledger#DEFAULT_REASON_RETENTION} after the request finished) and
     * empty the column. Idempotent; new rows never write the column.
     */
    private static void moveReasons(Connection c) throws SQLException {
        java.util.List<String[]> moved = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement select = c.prepareStatement(
                "SELECT id, reason, completed_at FROM requests WHERE reason IS NOT NULL");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                String completed = rs.getString(3);
                String expires = completed == null ? null
                        : Timestamps.format(Timestamps.parse(completed).plus(Ledger.DEFAULT_REASON_RETENTION));
                moved.add(new String[]{rs.getString(1), rs.getString(2), expires});
            }
        }
        for (String[] row : moved) {
            Requests.keepReason(c, row[0], row[1], row[2]);
            try (java.sql.PreparedStatement clear = c.prepareStatement("UPDATE requests SET reason = NULL WHERE id = ?")) {
                clear.setString(1, row[0]);
                clear.executeUpdate();
            }
        }
    }
}
