package dev.lethe.core.store;

/** A store that is missing, damaged or used wrongly; the message says what to do. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
