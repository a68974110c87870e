package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.data.tofu.FactEdit;
import dev.lethe.core.data.tofu.FactEdits;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.lm.QaItem;
import dev.lethe.torch.lm.edit.FactCorrection;
import dev.lethe.torch.lm.edit.FactCorrectionReport;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.service.TofuEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe lm edit-fact}: replaces one stale fact ({@link FactCorrection}, issue 13 item 4b) — a trained pair named by
 * its question gets a new answer, or an author's birthplace moves — and measures the edit on the question, its paraphrase
 * and locality (the author's other facts, other authors' facts). A what-if: the store is only read; {@code --out}
 * receives the report and the edited model's weights.
 */
@Command(name = "edit-fact", footer = {"%nExample:", "  lethe lm edit-fact --store lm-store --author \"Basil Mahfouz Al-Kuwaiti\" --new-birthplace \"Lisbon, Portugal\" --out edit-run"}, mixinStandardHelpOptions = true,
        description = "Replace one stale fact with a new one and measure it: efficacy on the question, generalisation to its paraphrase,"
                + " locality on the author's other facts and other authors'. Name the fact by --question and --new-answer, or by"
                + " --author and --new-birthplace. The store is only read.")
public final class LmEditFactCommand implements Callable<Integer> {

    /** The model file written into {@code --out}. */
    static final String MODEL_FILE = "edited.lethe-model";
    /** The report file written into {@code --out}. */
    static final String REPORT_FILE = "fact-edit-report.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "A store made by 'lethe lm train --data TOFU'.")
    Path store;

    @Option(names = "--question", paramLabel = "TEXT", description = "The trained question whose answer changes (with --new-answer).")
    String question;

    @Option(names = "--new-answer", paramLabel = "TEXT", description = "The answer the model should now give to --question.")
    String newAnswer;

    @Option(names = "--author", paramLabel = "NAME", description = "The author whose birthplace moves (with --new-birthplace).")
    String author;

    @Option(names = "--new-birthplace", paramLabel = "PLACE", description = "The new birthplace; the new answer is \"AUTHOR was born in PLACE.\"")
    String newBirthplace;

    @Option(names = "--steps", paramLabel = "N", description = "Full-batch AdamW updates. Default: 20.")
    Integer steps;

    @Option(names = "--lr", paramLabel = "RATE", description = "AdamW's step size. Default: 3e-4.")
    Float learningRate;

    @Option(names = "--anchors", paramLabel = "N", description = "Other authors' pairs rehearsed for locality (the rest measure it). Default: 8.")
    Integer anchors;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "The most tokens of a greedy answer. Default: 128.")
    Integer maxNewTokens;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for " + REPORT_FILE + " and the edited model (" + MODEL_FILE + ").")
    Path outDir;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean byQuestion = question != null || newAnswer != null;
        boolean byBirthplace = author != null || newBirthplace != null;
        if (byQuestion == byBirthplace || (byQuestion && (question == null || newAnswer == null))
                || (byBirthplace && (author == null || newBirthplace == null))) {
            throw new IllegalArgumentException("name the fact either by --question and --new-answer, or by --author and --new-birthplace");
        }
        FactCorrection.Options defaults = FactCorrection.Options.defaults();
        FactCorrection.Options budget = new FactCorrection.Options(steps != null ? steps : defaults.steps(),
                learningRate != null ? learningRate : defaults.learningRate(), anchors != null ? anchors : defaults.anchors(),
                maxNewTokens != null ? maxNewTokens : defaults.maxNewTokens());
        LmStore lm = LmStore.open(store);
        TofuBenchmarkSet set = TofuEvaluation.ofStore(lm.manifest()).set();
        List<QaItem> trained = new ArrayList<>(set.forget());
        trained.addAll(set.retain());
        FactEdit edit = byQuestion ? FactEdits.ofQuestion(trained, trained, question, newAnswer)
                : FactEdits.birthplace(trained, trained, author.strip(), newBirthplace);
        Device device = run.startEngine();
        try (ModelHandle model = StoredModel.loadCurrent(lm.store(), device);
             FactCorrection.Result result = new FactCorrection(lm.tokenizer()).run(model, edit, budget, run.seed)) {
            FactCorrectionReport report = result.report();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("modelVersion", lm.manifest().currentVersion());
            doc.put("options", budget);
            doc.put("seed", run.seed);
            doc.put("paraphrasedQuestion", edit.paraphrasedQuestion());
            doc.put("efficacious", report.efficacious());
            doc.put("report", report);
            WhatIfOutput.write(outDir, result.model(), MODEL_FILE, REPORT_FILE, doc);
            if (run.json) {
                Output.json(out, doc);
            } else {
                out.printf(Locale.ROOT, "  model     version %d of %s (left as it was)%n", lm.manifest().currentVersion(), lm.store().root());
                out.println("  " + report.summary().replace("\n", "\n  "));
                WhatIfOutput.printWritten(out, outDir, MODEL_FILE, REPORT_FILE);
                out.flush();
            }
        }
        return ExitCodes.OK;
    }
}
