package dev.lethe.cli;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.core.store.StoreManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code lethe store info}: what a store holds and what happened to it, without reading its files by hand — the model
 * family, the data and its record-id format with examples, subjects, forgotten records, every model version with how it
 * was made, and (for a SISA store) the requests still pending. It only reads.
 */
@Command(name = "store", footer = {"%nExample:", "  lethe store info --store my-store"}, mixinStandardHelpOptions = true,
        description = "Look into a store.", subcommands = {StoreCommand.Info.class})
public final class StoreCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lethe store info}. */
    @Command(name = "info", footer = {"%nExample:", "  lethe store info --store my-store --json"}, mixinStandardHelpOptions = true,
            description = "What a store holds: model, data, record-id format with example ids, subjects, forgotten records,"
                    + " versions, pending requests.")
    static final class Info implements Callable<Integer> {

        /** Example ids shown per side. */
        private static final int EXAMPLES = 3;

        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @Option(names = "--json", description = "Print it as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Store store = where.openStore();
            StoreManifest m = store.readManifest();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", store.root().toString());
            doc.put("kind", m.usesSisa() ? "sisa" : "single");
            if (m.usesSisa()) {
                doc.put("sisa", m.sisa());
            }
            doc.put("model", m.model().spec());
            doc.put("parameters", m.model().parameters());
            doc.put("task", m.dataset().holdsTokens() ? "next-token (tokenizer " + m.dataset().tokenizer() + ")"
                    : "classification, " + m.dataset().classNames().size() + " classes");
            doc.put("dataset", m.dataset().source().name());
            doc.put("fingerprint", m.dataset().fingerprint());
            doc.put("trainRecords", m.dataset().trainRecords());
            doc.put("testRecords", m.dataset().testRecords());
            doc.put("forgottenRecords", m.tombstones() == null ? 0 : m.tombstones().size());
            if (m.dataset().encoding() != null) {
                doc.put("inputEncoding", m.dataset().encoding());
            }
            doc.put("ids", ids(store));
            doc.put("currentVersion", m.currentVersion());
            List<String> versions = new ArrayList<>();
            m.models().forEach(v -> versions.add(describe(v)));
            doc.put("versions", versions);
            try (Ledger ledger = where.openLedgerOrNull(store)) {
                if (ledger != null) {
                    List<String> pending = ledger.pending().stream().map(ForgetRequest::id).toList();
                    doc.put("pendingRequests", pending);
                    doc.put("requests", ledger.list(null, 0, Integer.MAX_VALUE).size());
                }
            }
            if (json) {
                Output.json(out, doc);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  store     %s (%s)%n", store.root(), m.usesSisa()
                    ? String.format(Locale.ROOT, "SISA: %d shards x %d slices, assignment %s, aggregation %s", m.sisa().shards(),
                    m.sisa().slices(), m.sisa().assignment(), m.sisa().aggregation()) : "single model");
            out.printf(Locale.ROOT, "  model     %s, %,d parameters, %s%n", m.model().spec(), m.model().parameters(), doc.get("task"));
            out.printf(Locale.ROOT, "  data      %s (fingerprint %s): %d train + %d test records, %d forgotten%n", doc.get("dataset"),
                    m.dataset().fingerprint().substring(0, Math.min(12, m.dataset().fingerprint().length())), m.dataset().trainRecords(),
                    m.dataset().testRecords(), (Integer) doc.get("forgottenRecords"));
            ((Map<?, ?>) doc.get("ids")).forEach((k, v) -> out.printf(Locale.ROOT, "  %-9s %s%n", k, v));
            if (!m.dataset().holdsTokens()) { // a language model takes text
                printEncoding(out, m.dataset().encoding());
            }
            out.printf(Locale.ROOT, "  versions  current %d of %d%n", m.currentVersion(), versions.size());
            versions.forEach(v -> out.println("    " + v));
            if (doc.containsKey("pendingRequests")) {
                List<?> pending = (List<?>) doc.get("pendingRequests");
                out.printf(Locale.ROOT, "  requests  %s in the ledger, %d pending%s ('lethe requests list --store %s')%n", doc.get("requests"),
                        pending.size(), pending.isEmpty() ? "" : ": " + String.join(", ", pending.stream().map(String::valueOf).toList()),
                        store.root());
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** Example record and subject ids of the store's data, or why they cannot be shown here. */
        private static Map<String, String> ids(Store store) {
            Map<String, String> ids = new LinkedHashMap<>();
            StoreData data;
            try {
                data = StoreData.load(store);
            } catch (IOException | RuntimeException e) {
                ids.put("ids", "the data cannot be loaded here, so no example ids (" + e.getMessage() + ")");
                return ids;
            }
            ids.put("train ids", examples(data.data().train()));
            ids.put("test ids", examples(data.data().test()));
            RecordSet train = data.data().train();
            if (train.hasSubjects()) {
                Set<String> subjects = new LinkedHashSet<>();
                for (int i = 0; i < train.size(); i++) {
                    subjects.add(train.subject(i));
                }
                ids.put("subjects", subjects.size() + " (e.g. " + String.join(", ", subjects.stream().limit(EXAMPLES).toList())
                        + "): forget one with --subject");
            } else {
                ids.put("subjects", "none: forget by --record or --label");
            }
            return ids;
        }

        private static String examples(RecordSet set) {
            if (set.size() == 0) {
                return "none";
            }
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(EXAMPLES, set.size()); i++) {
                shown.add(set.id(i));
            }
            return String.join(", ", shown) + (set.size() > EXAMPLES ? ", ... " + set.id(set.size() - 1) : "");
        }

        /** What 'lethe predict' takes: the raw columns and what each becomes. */
        private static void printEncoding(PrintWriter out, InputEncoding encoding) {
            if (encoding == null) {
                out.printf(Locale.ROOT, "  input     encoded feature vectors only (no input encoding kept: predict --encoded)%n");
                return;
            }
            out.printf(Locale.ROOT, "  input     %d raw columns (%s) → %d features, encoded as in training; predict takes raw records%n",
                    encoding.rawColumns().size(), InputEncoding.abbreviated(encoding.rawColumns()), encoding.featureWidth());
            for (InputEncoding.Column c : encoding.columns().subList(0, Math.min(4, encoding.columns().size()))) {
                out.printf(Locale.ROOT, "            %s%n", c.isCategorical() ? c.name() + ": one-hot over " + c.categories().size() + " categories"
                        : String.format(Locale.ROOT, "%s%s: (x − %.6g) × %.6g", c.name(), c.count() > 1 ? "-0…" + (c.count() - 1) : "", c.offset(),
                        c.scale()));
            }
            if (encoding.columns().size() > 4) {
                out.printf(Locale.ROOT, "            … %d more (store info --json lists them all)%n", encoding.columns().size() - 4);
            }
        }

        private static String describe(StoreManifest.ModelVersion v) {
            String how;
            if (v instanceof SingleModelVersion s) {
                how = s.unlearning() == null ? "trained" : String.format(Locale.ROOT, "unlearned %d %s record(s) with %s (%s)",
                        s.unlearning().matchedRecords(), s.unlearning().selector(), s.unlearning().method(), s.unlearning().guarantee());
            } else {
                SisaModelVersion s = (SisaModelVersion) v;
                how = s.requests().isEmpty() ? "trained"
                        : "forgot " + s.requests().size() + " request(s) exactly, " + (s.retrained() == null ? 0 : s.retrained().size())
                        + " shard(s) retrained";
            }
            return String.format(Locale.ROOT, "v%d  %s  %s", v.version(), v.createdAt(), how);
        }
    }
}
