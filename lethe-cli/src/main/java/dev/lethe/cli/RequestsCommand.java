package dev.lethe.cli;

import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code lethe requests redact}: deletes the free-text reasons of forget requests (personal data: "GDPR request
 * from Jane Roe") before their retention ends. The reasons are kept outside the ledger's hash chain, so the chain
 * and the audit stay valid.
 */
@Command(name = "requests", footer = {"%nExample:", "  lethe requests redact --store sisa-store --all-expired"}, mixinStandardHelpOptions = true,
        description = "Manage the forget requests in a store's ledger.",
        subcommands = {RequestsCommand.Redact.class})
public final class RequestsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lethe requests redact}. */
    @Command(name = "redact", footer = {"%nExample:", "  lethe requests redact --store sisa-store --all-expired"}, mixinStandardHelpOptions = true,
            description = "Delete the free-text reason of one request, or of every request whose retention has ended.")
    static final class Redact implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        /** One request or all expired ones. */
        static final class Which {
            @Option(names = "--request", paramLabel = "ID", description = "The request whose reason to delete now.")
            String request;

            @Option(names = "--all-expired", description = "Every reason whose retention has ended.")
            boolean allExpired;
        }

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            Store s = where.openStore();
            try (Ledger ledger = where.openLedgerOrNull(s)) {
                if (ledger == null) {
                    throw new StoreException(s.root() + " has no ledger (a single-model store keeps no requests)");
                }
                if (which.allExpired) {
                    int n = ledger.purgedOnOpen() + ledger.purgeExpiredReasons();
                    out.printf("  %d expired reason(s) deleted%n", n);
                } else if (ledger.redactReason(which.request)) {
                    out.printf("  reason of %s deleted%n", which.request);
                } else {
                    out.printf("  %s has no reason left (none was given, or it was already deleted)%n", which.request);
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
