package dev.lethe.server.auth;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens a JDBC connection the way the ledger does: SQLite waits on a busy file and syncs every commit. */
final class Jdbc {

    private static final int BUSY_TIMEOUT_MS = 10_000;

    private Jdbc() {
    }

    static Connection connect(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        if (url.startsWith("jdbc:sqlite:")) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }
}
