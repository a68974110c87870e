package dev.lethe.cli;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.server.ServerConfig;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --store} and {@code --db} options of commands that work on a store and its ledger. */
final class StoreLedger {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store.")
    Path store;

    @Option(names = "--db", paramLabel = "JDBC-URL", description = "The ledger's database, when 'serve' runs with --db.")
    String db;

    Store openStore() {
        return Store.open(store);
    }

    /** The store's ledger, or null when the store has none (a single-model store) and no --db was given. */
    Ledger openLedgerOrNull(Store s) {
        if (db == null && !Files.exists(s.ledgerFile())) {
            return null;
        }
        return Ledger.open(ServerConfig.ledgerUrl(store, db), null, null);
    }
}
