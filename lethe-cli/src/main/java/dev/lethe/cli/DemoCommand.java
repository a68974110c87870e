package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.audit.AuditCheck;
import dev.lethe.core.audit.AuditReport;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.RetrainPlan;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.store.Store;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe demo}: the whole story on the embedded digits with 100 pseudo-persons — one reference
 * model on all data; a SISA ensemble with each person's records in one shard; an erasure request for
 * one person, served by retraining one shard; the receipt; and an audit that proves the data is gone.
 */
@Command(name = "demo", footer = {"%nExamples:", "  lethe demo", "  lethe demo --shards 4 --slices 2 --store demo-store"}, mixinStandardHelpOptions = true,
        description = "Exact unlearning on the embedded digits: train SISA, forget one person, show the receipt and a passing audit.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", defaultValue = "lethe-demo-store", paramLabel = "DIR",
            description = "Folder for the demo's two stores (reference/ and sisa/), made afresh on each run. Default: ${DEFAULT-VALUE}.")
    Path root;

    @Option(names = "--shards", defaultValue = "5", description = "SISA shards. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--slices", defaultValue = "3", description = "SISA slices per shard. Default: ${DEFAULT-VALUE}.")
    int slices;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Device device = run.startEngine();
        Files.createDirectories(root);
        // the demo's stores are scratch: a rerun starts them afresh (a real store with erasure history is only
        // replaced with 'lethe train --replace', which keeps its tombstones)
        dev.lethe.core.store.Store.deleteScratch(root.resolve("reference"));
        dev.lethe.core.store.Store.deleteScratch(root.resolve("sisa"));
        DatasetRef ref = new DatasetRef("digits", null, null, null, null, null, 100, 0.2, 0, 0, run.seed);
        DatasetRef.Loaded data = ref.load();
        Map<String, Object> doc = new LinkedHashMap<>();
        say(out, "Lethe demo: exact unlearning on the embedded digits (scikit-learn 8x8, 1,797 images, 10 classes),%n"
                + "  seeded 80/20 split: %d training / %d test records, 100 pseudo-persons%n", data.train().size(), data.test().size());

        // 1. The reference: one model on all training data.
        ModelSpec mlp = ModelSpec.parse("mlp", data.train().featureShape(), data.train().numClasses());
        var reference = TrainService.train(root.resolve("reference"), data, mlp,
                new TrainConfig(30, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, run.seed), device, SisaCommands.progress(run, "reference"));
        say(out, "[1/5] one %s on all training data (the reference): test accuracy %s, %.1f s%n", mlp.name(),
                Output.pct(reference.test().accuracy()), reference.result().seconds());

        // 2. SISA: each person's records in one shard.
        SisaConfig config = new SisaConfig(new ShardPlan(shards, slices, Assignment.SUBJECT, run.seed), mlp,
                new TrainConfig(20, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, run.seed), Aggregation.MEAN_SOFTMAX, run.threads);
        var sisa = SisaService.train(root.resolve("sisa"), data, config, device, SisaCommands.progress(run, "sisa"), e -> {
        });
        say(out, "[2/5] SISA: %d shards × %d slices, a person's records in one shard, 20 epochs per slice:%n"
                        + "      ensemble test accuracy %s, %.1f s for %d checkpoints%n", shards, slices,
                Output.pct(sisa.test().accuracy()), sisa.seconds(), sisa.slices().size());

        // 3. An erasure request for the person behind the first training record.
        String person = data.train().subject(0);
        Store store = sisa.store();
        var lineage = config.plan().place(data.train());
        List<Integer> personsRecords = new java.util.ArrayList<>();
        for (int i = 0; i < data.train().size(); i++) {
            if (person.equals(data.train().subject(i))) {
                personsRecords.add(i);
            }
        }
        RetrainPlan plan = RetrainPlan.of(lineage, personsRecords);
        double costModelSpeedup = (double) RetrainPlan.cost(lineage, fullPlan(shards), 1) / RetrainPlan.cost(lineage, plan.fromSlice(), 1);
        ForgetService forget = new ForgetService(store, device).listener(SisaCommands.progress(run, "forget"));
        ForgetRequest request = forget.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(person), "demo: GDPR art. 17 erasure", null),
                SisaService.LOCAL_PRINCIPAL);
        Receipt receipt = forget.process().get(0);
        double afterAccuracy;
        try (var ensemble = SisaService.loadEnsemble(store, device)) {
            afterAccuracy = ensemble.evaluate(SisaService.loadTest(store)).accuracy();
        }
        say(out, "[3/5] forget person %s (request %s, durable in the ledger before processing):%n", person, request.id());
        say(out, "      %d training + %d held-out records matched, all in shard %s%n", receipt.matchedTrainRecords(),
                receipt.matchedTestRecords(), String.join(", ", receipt.retrained().stream().map(r -> String.valueOf(r.shard())).toList()));
        for (var r : receipt.retrained()) {
            say(out, "      retrained shard %d, slices %d..%d, in %.2f s; the other %d shards were not touched%n",
                    r.shard(), r.fromSlice(), slices - 1, r.seconds(), shards - 1);
        }
        say(out, "      %.1fx faster than retraining all %d shards (%.1f s); the cost model predicts %.1fx%n",
                sisa.seconds() / receipt.batchSeconds(), shards, sisa.seconds(), costModelSpeedup);
        say(out, "      ensemble test accuracy %s before, %s after%n", Output.pct(sisa.test().accuracy()), Output.pct(afterAccuracy));

        // 4. The receipt, as stored in the ledger.
        say(out, "[4/5] receipt (also in %s):%n", store.ledgerFile());
        if (!run.json) {
            for (String line : Store.json().writeValueAsString(receipt).split("\n")) {
                out.println("      " + line);
            }
        }

        // 5. The audit.
        AuditReport audit = StoreAudit.run(store);
        say(out, "[5/5] audit of %s:%n", store.root());
        for (AuditCheck c : audit.checks()) {
            say(out, "      [%s] %s: %s%n", c.passed() ? "ok" : "FAIL", c.name(), c.detail());
        }
        boolean ok = reference.test().accuracy() >= 0.95 && audit.passed() && receipt.matchedTrainRecords() == personsRecords.size();
        if (run.json) {
            doc.put("referenceTestAccuracy", reference.test().accuracy());
            doc.put("sisaTestAccuracyBefore", sisa.test().accuracy());
            doc.put("sisaTestAccuracyAfter", afterAccuracy);
            doc.put("sisaTrainSeconds", sisa.seconds());
            doc.put("costModelSpeedup", costModelSpeedup);
            doc.put("receipt", receipt);
            doc.put("audit", audit);
            doc.put("ok", ok);
            Output.json(out, doc);
        } else {
            out.println(ok ? "demo: OK (reference accuracy >= 0.95, the person's records are gone, audit passed)"
                    : "demo: FAILED — see above");
            out.flush();
        }
        return ok ? ExitCodes.OK : ExitCodes.VERIFICATION_FAILED;
    }

    private static Map<Integer, Integer> fullPlan(int shards) {
        Map<Integer, Integer> all = new java.util.TreeMap<>();
        for (int s = 0; s < shards; s++) {
            all.put(s, 0);
        }
        return all;
    }

    private void say(PrintWriter out, String format, Object... args) {
        if (!run.json) {
            out.printf(Locale.ROOT, format, args);
            out.flush();
        }
    }
}
