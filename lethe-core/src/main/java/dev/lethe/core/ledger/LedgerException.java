package dev.lethe.core.ledger;

import dev.lethe.core.jdbc.DatabaseException;

/**
 * The ledger database could not be opened, read or written; the message names the database (its URL redacted)
 * and the cause. A failure of the database itself keeps its {@link #outcome()}.
 */
public class LedgerException extends DatabaseException {

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause, cause instanceof DatabaseException d ? d.outcome() : Outcome.NOT_WRITTEN,
                cause instanceof DatabaseException d && d.transientFailure());
    }
}
