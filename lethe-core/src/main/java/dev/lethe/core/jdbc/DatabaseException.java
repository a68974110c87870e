package dev.lethe.core.jdbc;

/**
 * A database could not be reached, read or written. The message names the database by its redacted URL
 * ({@link JdbcTarget#describe()}) and never holds a password; {@link #outcome()} says whether a write is known to
 * have rolled back, which decides whether a caller may say "not recorded".
 */
public class DatabaseException extends RuntimeException {

    /** What became of the write that failed. */
    public enum Outcome {
        /** Nothing was written: the failure came before the commit, or the commit was rolled back. */
        NOT_WRITTEN,
        /** The commit itself failed: the write may or may not be durable. */
        UNKNOWN
    }

    private final Outcome outcome;
    private final boolean transientFailure;

    public DatabaseException(String message, Throwable cause, Outcome outcome, boolean transientFailure) {
        super(message, cause);
        this.outcome = outcome;
        this.transientFailure = transientFailure;
    }

    public DatabaseException(String message) {
        this(message, null, Outcome.NOT_WRITTEN, false);
    }

    /** Whether the failed write is known to have rolled back, or might be durable. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether trying again later may succeed (a lost connection, a locked database, a restarting server). */
    public boolean transientFailure() {
        return transientFailure;
    }
}
