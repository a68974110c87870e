package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.store.Store;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.SisaService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe forget}: an erasure request against a SISA store. The request is written to the
 * ledger (durable) before it is reported accepted; then every pending request — this one and any a
 * killed earlier run left — is processed as one batch, and each gets its receipt.
 */
@Command(name = "forget", footer = {"%nExamples:", "  lethe forget --store sisa-store --subject subject-17 --reason \"GDPR art. 17 request 2026-118\"", "  lethe forget --store sisa-store --resume"}, mixinStandardHelpOptions = true,
        description = "Forget records, a person's records, or a class from a SISA store, exactly (retrains only affected shards).")
public final class ForgetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SisaStoreOption store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    /** A new request, or only finishing what a killed run left. */
    static final class What {
        @ArgGroup(exclusive = true, multiplicity = "1")
        ForgetSelector select;

        @Option(names = "--resume", description = "Only finish requests a killed run left pending.")
        boolean resume;
    }

    @Option(names = "--reason", description = "Why (e.g. 'GDPR art. 17 request #123'); kept in the ledger, outside its"
            + " hash chain, until the retention ends (see --reason-retention-days), never printed.")
    String reason;

    @Mixin
    ReasonRetentionOption reasonRetention;

    @Mixin
    EngineOptions engine;

    @Option(names = "--idempotency-key", description = "A repeated key returns the original request instead of a second one.")
    String idempotencyKey;

    @Option(names = "--json", description = "Print the receipts as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Store s = Store.open(store.store);
        var manifest = s.readManifest();
        var config = SisaService.config(manifest);
        // The store's checkpoints were trained with this thread count; retraining with another could
        // change bits, so forget always uses the store's.
        java.time.Duration retention = reasonRetention.retention();
        TorchRuntime.start(config.threads());
        try (Ledger ledger = Ledger.open(s.ledgerFile()).reasonRetention(retention)) {
            return run(out, s, ledger);
        }
    }

    /** What a repeated idempotency key gets: the original request, when it was accepted, its state, and its receipt. */
    private int repeated(PrintWriter out, ForgetRequest original) throws java.io.IOException {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("accepted", original.id());
            doc.put("repeated", true);
            doc.put("acceptedAt", original.acceptedAt().toString());
            doc.put("status", original.status().name().toLowerCase(java.util.Locale.ROOT));
            doc.put("receipt", original.receiptJson() == null ? null : dev.lethe.core.store.Store.json().readTree(original.receiptJson()));
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        out.printf(java.util.Locale.ROOT, "  already accepted  %s at %s (this idempotency key), %s%s%n", original.id(), original.acceptedAt(),
                original.status().name().toLowerCase(java.util.Locale.ROOT), original.receiptJson() == null ? ""
                        : ", receipt: " + dev.lethe.core.store.Store.json().readTree(original.receiptJson()).path("outcome").asText());
        out.printf("  nothing new was accepted; 'lethe requests show --store %s --request %s' has the whole receipt%n", store.store, original.id());
        out.flush();
        return ExitCodes.OK;
    }

    private int run(PrintWriter out, Store s, Ledger ledger) throws java.io.IOException {
        dev.lethe.torch.sisa.ShardExecutor executor = engine.executor();
        ForgetService service = new ForgetService(s, Device.cpu(), ledger).executor(executor)
                .listener(json ? dev.lethe.torch.train.TrainListener.NONE : dev.lethe.torch.train.ConsoleProgress.forStandardError("forget"));
        ForgetRequest accepted = null;
        if (!what.resume) {
            RequestSpec request = new RequestSpec(what.select.kind(), what.select.values(), reason, idempotencyKey);
            dev.lethe.core.ledger.Ledger.Acceptance acceptance = service.submit(request, SisaService.LOCAL_PRINCIPAL);
            accepted = acceptance.request();
            if (!acceptance.created()) {
                // a repeated idempotency key: the original request, whatever became of it
                return repeated(out, accepted);
            }
            if (!json) {
                out.printf("  accepted  %s (%s, %d value(s)); durable in %s%n", accepted.id(), accepted.kind().name().toLowerCase(java.util.Locale.ROOT),
                        accepted.valuesCount(), s.ledgerFile().getFileName());
                out.flush();
            }
            CrashPoints.reach("after-accept");
        }
        if (!json && engine.chosen()) {
            out.printf("  engine    %s%n", EngineOptions.describe(executor));
            out.flush();
        }
        List<Receipt> receipts = service.process();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("accepted", accepted == null ? null : accepted.id());
            doc.put("receipts", receipts);
            Output.json(out, doc);
        } else {
            if (receipts.isEmpty()) {
                out.println("  nothing pending");
            }
            receipts.forEach(r -> SisaCommands.printReceipt(out, r));
            out.flush();
        }
        return ExitCodes.OK;
    }
}
