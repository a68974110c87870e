package dev.lethe.core.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The ledger's one JDBC connection and its transaction discipline. Portable SQL runs everywhere; the SQLite
 * settings that make an acknowledged request durable (WAL, {@code synchronous=FULL}) and erased rows
 * unrecoverable ({@code secure_delete}) are applied only to {@code jdbc:sqlite:} URLs. Not thread-safe:
 * {@link Ledger} serialises access.
 */
final class Database implements AutoCloseable {

    /** Work on the connection that may throw {@link SQLException}. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Connection connection;
    private final String url;
    private final boolean sqlite;

    private Database(Connection connection, String url, boolean sqlite) {
        this.connection = connection;
        this.url = url;
        this.sqlite = sqlite;
    }

    static Database connect(String url, String user, String password) {
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (sqlite) {
            // Take the write lock at BEGIN, so a second process waits (busy timeout) instead of failing mid-transaction.
            props.setProperty("transaction_mode", "IMMEDIATE");
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new LedgerException("cannot open the ledger at " + url + ": " + e.getMessage(), e);
        }
        Database db = new Database(connection, url, sqlite);
        try {
            if (sqlite) {
                db.applySqlitePragmas();
            }
            db.inTransaction(c -> {
                Schema.ensure(c, url);
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private void applySqlitePragmas() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "?";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new LedgerException(url + " cannot use write-ahead logging (journal mode stays '" + mode
                            + "'); keep the store on a local file system");
                }
            }
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA secure_delete = ON");
            s.execute("PRAGMA foreign_keys = ON");
        } catch (SQLException e) {
            throw new LedgerException("cannot configure " + url + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new LedgerException("ledger " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs read-only {@code work} outside an explicit transaction. */
    <T> T read(Work<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new LedgerException("ledger " + url + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * SQLite only: copies the write-ahead log into the database file and truncates it, so that pages holding
     * erased values do not linger in the log. Best effort: a reader in another process can make it a partial
     * checkpoint, and the next one finishes the job.
     */
    void truncateWal() {
        if (sqlite) {
            read(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                return null;
            });
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new LedgerException("cannot close the ledger at " + url + ": " + e.getMessage(), e);
        }
    }
}
