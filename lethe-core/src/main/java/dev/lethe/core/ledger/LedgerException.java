package dev.lethe.core.ledger;

/** The ledger database could not be opened, read or written; the message names the database and the cause. */
public class LedgerException extends RuntimeException {

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
