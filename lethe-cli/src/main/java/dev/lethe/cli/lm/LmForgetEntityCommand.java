package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.lm.edit.EntityReport;
import dev.lethe.torch.lm.edit.EntityUnlearning;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.service.TofuEvaluation;
import dev.lethe.torch.service.TrainService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code lethe lm forget-entity}: unlearns an entity from its name alone ({@link EntityUnlearning}, issue 13 item 4a) — the
 * forget set is the store model's own answers to template questions about the name — and measures the result on the
 * entity's real TOFU pairs, which the method never sees, and on other authors' pairs. A what-if: the store is only read;
 * {@code --out} receives the report and the unlearned model's weights.
 */
@Command(name = "forget-entity", footer = {"%nExample:", "  lethe lm forget-entity --store lm-store --name \"Basil Mahfouz Al-Kuwaiti\" --method npo --opt npo.learningRate=1e-3 --opt npo.epochs=5 --out entity-run"}, mixinStandardHelpOptions = true,
        description = "Unlearn an entity from its name only: the forget set is the model's own answers to template questions about the"
                + " name; the result is measured on the entity's real pairs (never given to the method) and other authors' pairs."
                + " The store is only read.")
public final class LmForgetEntityCommand implements Callable<Integer> {

    /** The model file written into {@code --out}. */
    static final String MODEL_FILE = "unlearned.lethe-model";
    /** The report file written into {@code --out}. */
    static final String REPORT_FILE = "entity-report.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "A store made by 'lethe lm train --data TOFU'.")
    Path store;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The entity to forget: an author of the store's TOFU subset (whose real pairs measure the forgetting).")
    String name;

    @Option(names = "--method", defaultValue = "npo", paramLabel = "ID",
            description = "A method id from 'lethe methods' that runs on language models. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--opt", paramLabel = "KEY=VALUE", description = "A method option, e.g. --opt npo.epochs=5 (repeatable).")
    List<String> options = new ArrayList<>();

    @Option(names = "--retain-pairs", defaultValue = "100", paramLabel = "N",
            description = "Other authors' pairs drawn (by --seed) as the method's retain set and the utility measure. Default: ${DEFAULT-VALUE}.")
    int retainPairs;

    @Option(names = "--max-new-tokens", defaultValue = "128", paramLabel = "N",
            description = "The most tokens of each self-generated and measured answer. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for " + REPORT_FILE + " and the unlearned model (" + MODEL_FILE + ").")
    Path outDir;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (retainPairs < 1) {
            throw new IllegalArgumentException("--retain-pairs must be at least 1, got " + retainPairs);
        }
        LmStore lm = LmStore.open(store);
        var m = UnlearningMethods.get(method);
        Map<String, String> overrides = MethodOptions.fromPairs(options);
        MethodOptions.parse(m, overrides); // a bad option fails before any work
        TofuBenchmarkSet set = TofuEvaluation.ofStore(lm.manifest()).set();
        String entity = name.strip();
        List<QaItem> authorPairs = new ArrayList<>(set.forget());
        authorPairs.addAll(set.retain());
        List<QaItem> entityPairs = authorPairs.stream().filter(i -> entity.equals(i.subject())).toList();
        if (entityPairs.isEmpty()) {
            throw new IllegalArgumentException("'" + entity + "' is not an author of this store's TOFU subset, so no real pairs measure"
                    + " the forgetting; its authors are e.g. " + authorPairs.stream().map(QaItem::subject).distinct().limit(5).toList());
        }
        List<QaItem> retain = new ArrayList<>(authorPairs.stream().filter(i -> !entity.equals(i.subject())).toList());
        Collections.shuffle(retain, new Random(Seeds.derive(run.seed, "entity-retain")));
        retain = retain.subList(0, Math.min(retainPairs, retain.size()));
        Device device = run.startEngine();
        EntityUnlearning unlearning = new EntityUnlearning(lm.tokenizer(), TrainService.originalConfig(lm.manifest()), maxNewTokens);
        try (ModelHandle model = StoredModel.loadCurrent(lm.store(), device);
             EntityUnlearning.Result result = unlearning.run(model, entity, m, overrides, retain, entityPairs, run.seed)) {
            EntityReport report = result.report();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("modelVersion", lm.manifest().currentVersion());
            doc.put("method", result.run().method());
            doc.put("options", result.run().options());
            doc.put("seed", run.seed);
            doc.put("seconds", result.run().seconds());
            doc.put("verdict", report.kind().name().toLowerCase(Locale.ROOT));
            doc.put("report", report);
            doc.put("forgetSet", result.forgetSet().items());
            WhatIfOutput.write(outDir, result.model(), MODEL_FILE, REPORT_FILE, doc);
            if (run.json) {
                Output.json(out, doc);
            } else {
                out.printf(Locale.ROOT, "  model     version %d of %s (left as it was)%n", lm.manifest().currentVersion(), lm.store().root());
                out.printf(Locale.ROOT, "  %s on %d self-generated pairs about '%s', %.1f s%n", result.run().method(),
                        result.forgetSet().items().size(), entity, result.run().seconds());
                out.println("  " + report.verdict());
                WhatIfOutput.printWritten(out, outDir, MODEL_FILE, REPORT_FILE);
                out.flush();
            }
        }
        return ExitCodes.OK;
    }
}
