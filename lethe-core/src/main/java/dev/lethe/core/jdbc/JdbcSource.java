package dev.lethe.core.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.core.store.PrivateFiles;

import java.io.IOException;
import java.nio.file.Path;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Connections to one database, with the transaction discipline the ledger and the token table share.
 *
 * <ul>
 *   <li>A server database (PostgreSQL) is reached through a HikariCP pool, which validates a connection before
 *       lending it and opens new ones once the server is back after a restart.</li>
 *   <li>A SQLite file gets one connection with the settings that make an acknowledged write durable (WAL,
 *       {@code synchronous=FULL}) and erased rows unrecoverable ({@code secure_delete}); the write lock is taken at
 *       BEGIN ({@code IMMEDIATE}), so a second process waits ({@code busy_timeout}) instead of failing
 *       mid-transaction.</li>
 *   <li>After any database error the connection is thrown away (closed, or evicted from the pool) and the next
 *       call opens a fresh one, so a failed BEGIN can never leave a connection half in a transaction.</li>
 *   <li>A failure before the commit is known to have rolled back ({@link DatabaseException.Outcome#NOT_WRITTEN});
 *       when it was a lost connection, the work is tried again with backoff. A failed commit is
 *       {@link DatabaseException.Outcome#UNKNOWN} and never retried.</li>
 *   <li>Messages name the database by its redacted URL, and causes are copied with their messages redacted: no
 *       password reaches a message, a log or an HTTP answer.</li>
 * </ul>
 * Thread-safe: the SQLite connection is used by one caller at a time; the pool lends one connection per call.
 */
public final class JdbcSource implements AutoCloseable {

    /** Work on a connection that may throw {@link SQLException}. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The SQLite busy timeout; the system property {@code lethe.sqlite.busyTimeoutMs} overrides it. */
    public static final int DEFAULT_BUSY_TIMEOUT_MS = 10_000;

    private static final int TRIES = 4;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long POOL_WAIT_MS = 3_000;

    private final JdbcTarget target;
    private final String name;
    private final HikariDataSource pool;
    private Connection sqliteConnection;

    private JdbcSource(JdbcTarget target, HikariDataSource pool) {
        this.target = target;
        this.name = target.describe();
        this.pool = pool;
    }

    /** Opens the database: the SQLite connection, or the pool with its first connection. */
    public static JdbcSource open(JdbcTarget target, String poolName) {
        if (target.sqlite()) {
            JdbcSource source = new JdbcSource(target, null);
            synchronized (source) {
                source.sqlite();
            }
            return source;
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(target.url());
        if (target.user() != null) {
            config.setUsername(target.user());
        }
        if (target.password() != null) {
            config.setPassword(target.password());
        }
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        // a request must not hang for Hikari's default 30 s while the database is down
        config.setConnectionTimeout(POOL_WAIT_MS);
        config.setValidationTimeout(1_000);
        try {
            return new JdbcSource(target, new HikariDataSource(config));
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw failure("cannot open the database at " + target.describe(), cause, DatabaseException.Outcome.NOT_WRITTEN);
        }
    }

    /** The database's redacted URL. */
    public String describe() {
        return name;
    }

    /** Whether this is a SQLite file. */
    public boolean isSqlite() {
        return pool == null;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. A lost
     * connection before the commit is retried with backoff; {@code work} may therefore run more than once and must
     * only act on the database.
     */
    public <T> T transaction(Work<T> work) {
        return withRetry(work, true);
    }

    /** Runs read-only {@code work} outside an explicit transaction, retried with backoff on a lost connection. */
    public <T> T read(Work<T> work) {
        return withRetry(work, false);
    }

    private <T> T withRetry(Work<T> work, boolean transaction) {
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work, transaction);
            } catch (DatabaseException e) {
                if (attempt >= TRIES || e.outcome() != DatabaseException.Outcome.NOT_WRITTEN
                        || !(e.getCause() instanceof RedactedCause r && r.retryable)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new DatabaseException("interrupted while waiting to retry " + name);
            }
            backoff *= 2;
        }
    }

    private <T> T once(Work<T> work, boolean transaction) {
        if (pool == null) {
            synchronized (this) {
                return onConnection(null, work, transaction);
            }
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            throw failure("the database at " + name + " is unavailable", e, DatabaseException.Outcome.NOT_WRITTEN);
        }
        try {
            return onConnection(c, work, transaction);
        } finally {
            try {
                c.close();
            } catch (SQLException ignored) {
                // returned to the pool, or already evicted
            }
        }
    }

    /** Runs work on {@code pooled}, or on the SQLite connection when null (the caller holds this object's lock). */
    private <T> T onConnection(Connection pooled, Work<T> work, boolean transaction) {
        boolean committing = false;
        Connection c = pooled;
        try {
            if (c == null) {
                c = sqlite();
            }
            if (!transaction) {
                return work.run(c);
            }
            // inside the guarded block: a BEGIN that fails (SQLITE_BUSY, a lost connection) discards the connection
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
            } catch (RuntimeException e) {
                c.rollback();
                c.setAutoCommit(true);
                throw e;
            }
            committing = true;
            c.commit();
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            discard(c);
            throw failure("the database at " + name + " failed", e,
                    committing ? DatabaseException.Outcome.UNKNOWN : DatabaseException.Outcome.NOT_WRITTEN);
        } catch (RuntimeException e) {
            if (e instanceof DatabaseException) {
                discard(c);
            }
            throw e;
        }
    }

    /** Closes a connection after an error; the pool forgets it, and SQLite reopens on the next call. */
    private void discard(Connection c) {
        if (c == null) {
            return;
        }
        if (pool != null) {
            pool.evictConnection(c);
            return;
        }
        sqliteConnection = null;
        try {
            c.close(); // an open transaction on a closed connection is rolled back
        } catch (SQLException ignored) {
            // already broken
        }
    }

    /** The SQLite connection, opened with its settings when there is none (the caller holds this object's lock). */
    private Connection sqlite() {
        if (sqliteConnection != null) {
            return sqliteConnection;
        }
        Properties props = new Properties();
        props.setProperty("transaction_mode", "IMMEDIATE");
        Path file = sqliteFile(target.url());
        if (file != null) {
            try {
                // 0600 before SQLite creates it: the ledger holds request reasons, and -wal/-shm take the same mode
                PrivateFiles.createFileIfAbsent(file);
            } catch (IOException e) {
                throw new DatabaseException("cannot create " + name + ": " + e.getMessage(), e,
                        DatabaseException.Outcome.NOT_WRITTEN, false);
            }
        }
        Connection c;
        try {
            c = DriverManager.getConnection(target.url(), props);
        } catch (SQLException e) {
            throw failure("cannot open the database at " + name, e, DatabaseException.Outcome.NOT_WRITTEN);
        }
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + Integer.getInteger("lethe.sqlite.busyTimeoutMs", DEFAULT_BUSY_TIMEOUT_MS));
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "?";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new DatabaseException(name + " cannot use write-ahead logging (journal mode stays '" + mode
                            + "'); keep the store on a local file system");
                }
            }
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA secure_delete = ON");
            s.execute("PRAGMA foreign_keys = ON");
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // reported below
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw failure("cannot configure " + name, (SQLException) e, DatabaseException.Outcome.NOT_WRITTEN);
        }
        sqliteConnection = c;
        return c;
    }

    /** The file of a {@code jdbc:sqlite:PATH} URL, or null for an in-memory or URI-style one. */
    static Path sqliteFile(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        int query = rest.indexOf('?');
        rest = query >= 0 ? rest.substring(0, query) : rest;
        return rest.isEmpty() || rest.startsWith(":") || rest.startsWith("file:") ? null : Path.of(rest);
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
        } else if (sqliteConnection != null) {
            discard(sqliteConnection);
        }
    }

    private static DatabaseException failure(String what, Throwable cause, DatabaseException.Outcome outcome) {
        RedactedCause redacted = RedactedCause.of(cause);
        return new DatabaseException(what + ": " + redacted.getMessage(), redacted, outcome, redacted.transientFailure);
    }

    /**
     * A database error copied with its message (and its causes' messages) redacted, so that logging the
     * exception's chain cannot print a password a driver put into its message.
     */
    static final class RedactedCause extends Exception {
        final boolean retryable;
        final boolean transientFailure;

        private RedactedCause(String message, Throwable cause, boolean retryable, boolean transientFailure) {
            super(message, cause);
            this.retryable = retryable;
            this.transientFailure = transientFailure;
        }

        static RedactedCause of(Throwable t) {
            String state = t instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "";
            int code = t instanceof SQLException s ? s.getErrorCode() : 0;
            // a connection lost or refused, the server shutting down, a serialisation failure or deadlock: try again
            boolean retryable = !(t instanceof SQLTransientConnectionException) && (state.startsWith("08")
                    || state.startsWith("57P") || state.equals("40001") || state.equals("40P01")
                    || t instanceof SQLRecoverableException);
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another process holds the file; also a pool that waited in vain
            boolean busy = state.isEmpty() && (code == 5 || code == 6);
            boolean transientFailure = retryable || busy || t instanceof SQLTransientException;
            String message = JdbcTarget.redact(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            RedactedCause r = new RedactedCause(message, t.getCause() == null ? null : of(t.getCause()),
                    retryable, transientFailure);
            r.setStackTrace(t.getStackTrace());
            return r;
        }
    }
}
