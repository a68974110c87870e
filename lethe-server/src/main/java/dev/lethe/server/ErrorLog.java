package dev.lethe.server;

import org.slf4j.Logger;

import java.util.Objects;

/**
 * Logs a repeating failure without flooding the log: the stack trace once per distinct error (its class and
 * message), and one line for each repeat of the same one.
 */
final class ErrorLog {

    private final Logger log;
    private String last;

    ErrorLog(Logger log) {
        this.log = log;
    }

    synchronized void log(String what, Throwable e) {
        String signature = e.getClass().getName() + ": " + e.getMessage();
        if (Objects.equals(signature, last)) {
            log.warn("{}: {} (same error as before)", what, e.toString());
        } else {
            last = signature;
            log.error("{}: {}", what, e.toString(), e);
        }
    }

    /** Forgets the last error: the next one gets its stack trace again. */
    synchronized void reset() {
        last = null;
    }
}
