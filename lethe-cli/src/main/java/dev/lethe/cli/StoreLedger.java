package dev.lethe.cli;

import dev.lethe.core.jdbc.JdbcTarget;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --store} and {@code --db} options of commands that work on a store and its ledger. */
final class StoreLedger {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store.")
    Path store;

    @Mixin
    LedgerDbOptions db;

    Store openStore() {
        return Store.open(store);
    }

    /** The store's ledger, or null when the store has none (a single-model store) and no --db was given. */
    Ledger openLedgerOrNull(Store s) throws IOException {
        if (db.url() == null && !Files.exists(s.ledgerFile())) {
            return null;
        }
        JdbcTarget target = db.target(store);
        return Ledger.open(target.url(), target.user(), target.password());
    }
}
