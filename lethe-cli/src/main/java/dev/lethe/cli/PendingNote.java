package dev.lethe.cli;

import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Warns (on standard error, so that output and JSON stay as they are) when a store's ledger holds accepted forget
 * requests that are not applied yet: the model evaluated still reflects their data.
 */
final class PendingNote {

    private PendingNote() {
    }

    static void print(PrintWriter err, Store store) {
        Path file = store.root().resolve("ledger.db");
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (Ledger ledger = Ledger.open(file)) {
            List<ForgetRequest> pending = ledger.pending();
            if (!pending.isEmpty()) {
                err.printf("note: %d accepted forget request(s) wait to be applied (the oldest since %s); the model"
                        + " evaluated still reflects their data%n", pending.size(), pending.get(0).acceptedAt());
                err.flush();
            }
        } catch (RuntimeException e) {
            // a ledger that cannot be read is the audit's business, not the evaluation's
        }
    }
}
