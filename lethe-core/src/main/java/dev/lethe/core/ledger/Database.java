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

    /** The PostgreSQL advisory lock key that serialises the ledger's writers ("Lethe" in ASCII). */
    static final long CHAIN_LOCK = 0x4c65746865L;

    private final JdbcSource source;
    private final boolean postgres;

    private Database(JdbcSource source, boolean postgres) {
        this.source = source;
        this.postgres = postgres;
    }

    static Database connect(String url, String user, String password) {
        JdbcSource source;
        try {
            source = JdbcSource.open(new JdbcTarget(url, user, password), "lethe-ledger");
        } catch (DatabaseException e) {
            throw new LedgerException("cannot open the ledger: " + e.getMessage(), e);
        }
        Database db = new Database(source, url.startsWith("jdbc:postgresql:"));
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

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. On PostgreSQL the
     * transaction first takes the ledger's advisory lock, so that writers in several processes append to the audit
     * chain one at a time (each reads the newest event and appends the next sequence number); SQLite's write lock,
     * taken at BEGIN, does the same for a file.
     */
    <T> T inTransaction(Work<T> work) {
        try {
            return source.transaction(postgres ? c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + CHAIN_LOCK + ")");
                }
                return work.run(c);
            } : work);
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
