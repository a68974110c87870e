package dev.lethe.server;

import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether accepted forget requests are still waiting: until they are done, the served model still holds their
 * data, and predictions, health and the dashboard say so (how many, accepted since when). Read from the ledger at
 * most every {@link #MAX_AGE_NANOS} (predictions must not pay a query each), and at once after an acceptance or a
 * batch. Thread-safe.
 */
final class PendingRequests {

    static final long MAX_AGE_NANOS = 500_000_000L;

    /** How many requests wait and the acceptance time of the oldest (null when none). */
    record Snapshot(int count, Instant oldestAcceptedAt) {

        /** The JSON answers' view: null when nothing waits. */
        Map<String, Object> view() {
            if (count == 0) {
                return null;
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("count", count);
            doc.put("oldestAcceptedAt", oldestAcceptedAt.toString());
            doc.put("note", "the model answering still reflects the data of " + count + " accepted forget request(s)");
            return doc;
        }
    }

    private final Ledger ledger;
    private volatile Snapshot snapshot = new Snapshot(0, null);
    private volatile long readAt = Long.MIN_VALUE;

    PendingRequests(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The latest snapshot, re-read when older than half a second (the last known one while the ledger is down). */
    Snapshot snapshot() {
        long now = System.nanoTime();
        if (readAt == Long.MIN_VALUE || now - readAt > MAX_AGE_NANOS) {
            synchronized (this) {
                if (readAt == Long.MIN_VALUE || System.nanoTime() - readAt > MAX_AGE_NANOS) {
                    try {
                        List<ForgetRequest> pending = ledger.pending();
                        snapshot = new Snapshot(pending.size(), pending.isEmpty() ? null : pending.get(0).acceptedAt());
                    } catch (RuntimeException e) {
                        // keep the last known state; readiness reports the ledger
                    }
                    readAt = System.nanoTime();
                }
            }
        }
        return snapshot;
    }

    /** Reads the ledger again on the next {@link #snapshot()} (a request was accepted, or a batch ended). */
    void changed() {
        readAt = Long.MIN_VALUE;
    }
}
