package dev.lethe.core.ledger;

import dev.lethe.core.jdbc.DatabaseException;
import dev.lethe.core.jdbc.JdbcSource;
import dev.lethe.core.jdbc.JdbcTarget;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The ledger's database and its transaction discipline, over a {@link JdbcSource} (one SQLite connection with the
 * durability settings, or a validating pool for PostgreSQL; a connection is replaced after any error). Failures
 * become {@link LedgerException}s that name the database by its redacted URL and keep whether the write is known
 * to have rolled back. {@link Ledger} serialises access.
 */
final class Database implements AutoCloseable {

    /** Work on the connection that may throw {@link SQLException}. */
    interface Work<T> extends JdbcSource.Work<T> {
    }

    private final JdbcSource source;

    private Database(JdbcSource source) {
        this.source = source;
    }

    static Database connect(String url, String user, String password) {
        JdbcSource source;
        try {
            source = JdbcSource.open(new JdbcTarget(url, user, password), "lethe-ledger");
        } catch (DatabaseException e) {
            throw new LedgerException("cannot open the ledger: " + e.getMessage(), e);
        }
        Database db = new Database(source);
        try {
            db.inTransaction(c -> {
                Schema.ensure(c, source.describe());
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Work<T> work) {
        try {
            return source.transaction(work);
        } catch (LedgerException e) {
            throw e;
        } catch (DatabaseException e) {
            throw new LedgerException("ledger " + e.getMessage(), e);
        }
    }

    /** Runs read-only {@code work} outside an explicit transaction. */
    <T> T read(Work<T> work) {
        try {
            return source.read(work);
        } catch (LedgerException e) {
            throw e;
        } catch (DatabaseException e) {
            throw new LedgerException("ledger " + e.getMessage(), e);
        }
    }

    /**
     * SQLite only: copies the write-ahead log into the database file and truncates it, so that pages holding
     * erased values do not linger in the log. Best effort: a reader in another process can make it a partial
     * checkpoint, and the next one finishes the job.
     */
    void truncateWal() {
        if (source.isSqlite()) {
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
        source.close();
    }
}
