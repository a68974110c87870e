package dev.lethe.core.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the ledger tables when absent and refuses a database written by a newer schema. Plain SQL that
 * SQLite and PostgreSQL both accept. Raw request values live apart from the requests, in
 * {@code request_values}, so that completing a request can delete them while the request row keeps only
 * their count and digest.
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
              hash TEXT NOT NULL)"""
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
    }
}
