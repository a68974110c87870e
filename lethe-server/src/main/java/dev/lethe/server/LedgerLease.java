package dev.lethe.server;

import dev.lethe.core.jdbc.JdbcTarget;
import dev.lethe.core.ledger.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * One server per PostgreSQL ledger: the server holds a session-level advisory lock on a connection of its own for
 * as long as it runs, and a second server on the same ledger database is refused at start instead of racing the
 * first one's worker. (A SQLite ledger lives in its store, whose own locks serialise the writers.) The lock ends
 * with the connection: a server that dies releases it.
 *
 * <p>A database restart ends the session and with it the lock, so the lease is checked before each forget batch
 * and by the readiness probe ({@link #held()}): a dead connection is replaced and the lock taken again. If another
 * server took it in between, this one has lost the lease: it processes no batch (the holder does) and reports
 * itself not ready, until the other one stops and the lock can be taken again.
 */
final class LedgerLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerLease.class);

    /** The lease's advisory lock key, apart from the chain's ("Lethe serve"). */
    static final long LEASE_LOCK = 0x4c65746865_01L;

    private final JdbcTarget target;
    private Connection connection;
    private boolean lost;

    private LedgerLease(JdbcTarget target, Connection connection) {
        this.target = target;
        this.connection = connection;
    }

    /** Takes the lease of a PostgreSQL ledger; null for any other database (nothing to hold). */
    static LedgerLease acquire(JdbcTarget target) {
        if (!target.url().startsWith("jdbc:postgresql:")) {
            return null;
        }
        try {
            Connection c = tryLock(target);
            if (c == null) {
                throw new LedgerException("another lethe serve already serves the ledger at " + target.describe()
                        + "; one server per ledger (stop the other one, or give this one its own database)");
            }
            return new LedgerLease(target, c);
        } catch (SQLException e) {
            throw new LedgerException("cannot take the server lease of the ledger at " + target.describe() + ": "
                    + JdbcTarget.redact(e.getMessage()));
        }
    }

    /**
     * Whether this server holds the lease now: true while its session lives; after a database restart the session is
     * replaced and the lock taken again. False while the database is unreachable or another server holds the lock.
     */
    synchronized boolean held() {
        try {
            if (connection != null && connection.isValid(2)) {
                return true;
            }
            closeQuietly(connection);
            connection = tryLock(target);
            if (connection == null) {
                if (!lost) {
                    LOG.warn("ledger lease lost: another lethe serve took the ledger at {} while this one's session was"
                            + " gone; this server processes no forget batch until the lease is free again", target.describe());
                }
                lost = true;
                return false;
            }
            if (lost) {
                LOG.info("ledger lease taken again at {}", target.describe());
            }
            lost = false;
            return true;
        } catch (SQLException e) {
            connection = null;
            return false;
        }
    }

    /** A new session holding the lease's lock, or null when another session holds it. */
    private static Connection tryLock(JdbcTarget target) throws SQLException {
        Properties props = new Properties();
        if (target.user() != null) {
            props.setProperty("user", target.user());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("ApplicationName", "lethe serve (ledger lease)");
        props.setProperty("connectTimeout", "3");
        Connection c = DriverManager.getConnection(target.url(), props);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LEASE_LOCK + ")")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return c;
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        closeQuietly(c);
        return null;
    }

    @Override
    public synchronized void close() {
        closeQuietly(connection);
        connection = null;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the lock ends with the session either way
            }
        }
    }
}
