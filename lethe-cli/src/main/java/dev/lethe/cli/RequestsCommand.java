package dev.lethe.cli;

import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe requests list | show | redact}: the forget requests of a SISA store's ledger — every request with its
 * state, and one request whole with its receipt — and {@code redact}, which deletes the free-text reasons of forget requests (personal data: "GDPR request
 * from Jane Roe") before their retention ends. The reasons are kept outside the ledger's hash chain, so the chain
 * and the audit stay valid.
 */
@Command(name = "requests", footer = {"%nExamples:", "  lethe requests list --store sisa-store", "  lethe requests show --store sisa-store --request req-0123456789ab"},
        mixinStandardHelpOptions = true,
        description = "See and manage the forget requests in a store's ledger.",
        subcommands = {RequestsCommand.ListRequests.class, RequestsCommand.Show.class, RequestsCommand.Redact.class})
public final class RequestsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static Ledger ledgerOf(StoreLedger where, Store s) throws IOException {
        Ledger ledger = where.openLedgerOrNull(s);
        if (ledger == null) {
            throw new StoreException(s.root() + " has no ledger (a single-model store keeps no requests: its receipts are in reports/)");
        }
        return ledger;
    }

    /** A request as JSON: its receipt as an object rather than a string. */
    private static Map<String, Object> asJson(ForgetRequest r) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", r.id());
        doc.put("status", r.status().name().toLowerCase(Locale.ROOT));
        doc.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
        doc.put("values", r.values());
        doc.put("valuesCount", r.valuesCount());
        doc.put("valuesDigest", r.valuesDigest());
        doc.put("reason", r.reason());
        doc.put("principal", r.principal());
        doc.put("acceptedAt", String.valueOf(r.acceptedAt()));
        doc.put("completedAt", r.completedAt() == null ? null : r.completedAt().toString());
        doc.put("batchId", r.batchId());
        doc.put("receipt", r.receiptJson() == null ? null : Store.json().readTree(r.receiptJson()));
        doc.put("failure", r.failure());
        return doc;
    }

    /** {@code lethe requests list}. */
    @Command(name = "list", footer = {"%nExample:", "  lethe requests list --store sisa-store --status done --json"}, mixinStandardHelpOptions = true,
            description = "List the forget requests in acceptance order: id, state, kind, how many values, when accepted and done.")
    static final class ListRequests implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @Option(names = "--status", paramLabel = "STATE", description = "Only requests in this state: accepted, running, done or failed.")
        String status;

        @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most this many. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--json", description = "Print the requests as a JSON array.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            RequestStatus only = status == null ? null : parseStatus(status);
            Store s = where.openStore();
            try (Ledger ledger = ledgerOf(where, s)) {
                List<ForgetRequest> requests = ledger.list(only, 0, limit);
                if (json) {
                    List<Map<String, Object>> docs = new ArrayList<>();
                    for (ForgetRequest r : requests) {
                        docs.add(asJson(r));
                    }
                    Output.json(out, docs);
                    return ExitCodes.OK;
                }
                if (requests.isEmpty()) {
                    out.println("  no requests" + (only == null ? "" : " in state " + status.toLowerCase(Locale.ROOT)));
                }
                for (ForgetRequest r : requests) {
                    out.printf(Locale.ROOT, "  %-16s %-8s %-8s %4d value(s)  accepted %s%s%n", r.id(), r.status().name().toLowerCase(Locale.ROOT),
                            r.kind().name().toLowerCase(Locale.ROOT), r.valuesCount(), r.acceptedAt(),
                            r.completedAt() == null ? "" : "  ended " + r.completedAt());
                }
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static RequestStatus parseStatus(String text) {
            for (RequestStatus st : RequestStatus.values()) {
                if (st.name().equalsIgnoreCase(text.strip())) {
                    return st;
                }
            }
            throw new IllegalArgumentException("--status must be accepted, running, done or failed, got '" + text + "'");
        }
    }

    /** {@code lethe requests show}. */
    @Command(name = "show", footer = {"%nExample:", "  lethe requests show --store sisa-store --request req-0123456789ab"},
            mixinStandardHelpOptions = true,
            description = "Show one forget request whole: state, values (until done: then only their count and keyed digest), reason,"
                    + " who sent it, when, its batch, and its receipt or why it failed.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @Option(names = "--request", required = true, paramLabel = "ID", description = "The request id (req-...).")
        String request;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Store s = where.openStore();
            try (Ledger ledger = ledgerOf(where, s)) {
                ForgetRequest r = ledger.find(request.strip()).orElseThrow(() -> new IllegalArgumentException("no request '" + request
                        + "' in " + s.root() + "'s ledger; 'lethe requests list --store " + s.root() + "' lists them"));
                Map<String, Object> doc = asJson(r);
                if (json) {
                    Output.json(out, doc);
                    return ExitCodes.OK;
                }
                doc.forEach((key, value) -> {
                    if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
                        out.printf(Locale.ROOT, "  %-12s %s%n", key, value);
                    }
                });
            }
            out.flush();
            return ExitCodes.OK;
        }
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
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Store s = where.openStore();
            try (Ledger ledger = ledgerOf(where, s)) {
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
