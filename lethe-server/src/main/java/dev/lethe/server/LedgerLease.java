package dev.lethe.server;

import dev.lethe.core.jdbc.JdbcTarget;
import dev.lethe.core.ledger.LedgerException;

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
 */
final class LedgerLease implements AutoCloseable {

    /** The lease's advisory lock key, apart from the chain's ("Lethe serve"). */
    static final long LEASE_LOCK = 0x4c65746865_01L;

    private final Connection connection;

    private LedgerLease(Connection connection) {
        this.connection = connection;
    }

    /** Takes the lease of a PostgreSQL ledger; null for any other database (nothing to hold). */
    static LedgerLease acquire(JdbcTarget target) {
        if (!target.url().startsWith("jdbc:postgresql:")) {
            return null;
        }
        Properties props = new Properties();
        if (target.user() != null) {
            props.setProperty("user", target.user());
        }
        if (target.password() != null) {
            props.setProperty("password", target.password());
        }
        props.setProperty("ApplicationName", "lethe serve (ledger lease)");
        Connection c = null;
        try {
            c = DriverManager.getConnection(target.url(), props);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LEASE_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new LedgerException("another lethe serve already serves the ledger at " + target.describe()
                            + "; one server per ledger (stop the other one, or give this one its own database)");
                }
            }
            return new LedgerLease(c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException("cannot take the server lease of the ledger at " + target.describe() + ": "
                    + JdbcTarget.redact(e.getMessage()));
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
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
