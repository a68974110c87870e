package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.lm.evallog.TofuEvalLog;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.service.TofuEvaluation;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.ShardWeighting;
import dev.lethe.torch.sisa.SisaService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe lm eval}: the TOFU evaluation of a language-model store's current model ({@link TofuEvaluation}) — one model,
 * or a SISA store's ensemble (the mean of its shards' next-token distributions) — written
 * as {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json} in OpenUnlearning's layout. The store is only read.
 */
@Command(name = "eval", footer = {"%nExample:", "  lethe lm eval --store lm-store --out eval-v2 --retain-logs retain-eval/TOFU_EVAL.json"}, mixinStandardHelpOptions = true,
        description = "Evaluate the store's current language model on its TOFU subset's forget, retain, real-author, world-fact and"
                + " holdout sets; writes TOFU_EVAL.json and TOFU_SUMMARY.json (OpenUnlearning's layout) into --out and prints the summary."
                + " Forget quality needs a retain model's log (--retain-logs).")
public final class LmEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "A store made by 'lethe lm train'.")
    Path store;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write TOFU_EVAL.json and TOFU_SUMMARY.json into.")
    Path outDir;

    @Option(names = "--retain-logs", paramLabel = "PATH",
            description = "The retain-only model's TOFU_EVAL.json (or its folder): forget quality and PrivLeak are computed against it."
                    + " The --out folder itself evaluates a retain model against its own log.")
    Path retainLogs;

    @Option(names = "--no-generate", description = "Skip greedy generation (no ROUGE; model utility then says what is missing): much faster.")
    boolean noGenerate;

    @Option(names = "--max-tokens", defaultValue = "512",
            description = "The most tokens a generated answer may have (also bounded by the context). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Mixin
    ShardWeightingOption shardWeighting;

    @Option(names = "--batch-size", defaultValue = "16", description = "Sequences per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LmStore lm = LmStore.openSingleOrSisa(store);
        ShardWeighting weighting = shardWeighting.resolve(lm, store);
        TofuEvaluation evaluation = TofuEvaluation.ofStore(lm.manifest()); // a wrong data folder or malformed file fails here
        LmScorer.Options options = new LmScorer.Options(batchSize, !noGenerate, true, maxTokens);
        Device device = run.startEngine();
        TofuEvalLog log;
        long start = System.nanoTime();
        if (lm.manifest().usesSisa()) {
            // exact unlearning by author: the mixture of the shards' distributions, scored with the same metrics as one model
            try (SisaEnsemble ensemble = SisaService.loadEnsemble(lm.store(), device)) {
                log = evaluation.evaluate(ensemble.asLanguageModel(weighting), options, outDir, retainLogs);
            }
        } else {
            try (ModelHandle model = StoredModel.loadCurrent(lm.store(), device)) {
                log = evaluation.evaluate(model, options, outDir, retainLogs);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("modelVersion", lm.manifest().currentVersion());
            doc.put("out", outDir.toString());
            doc.put("summary", log.summary());
            doc.put("notComputed", log.notComputed());
            doc.put("seconds", seconds);
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  model     version %d of %s, %s, %d forget authors (%s)%n", lm.manifest().currentVersion(),
                    lm.store().root(), evaluation.set().forgetSplit(), evaluation.set().forgetAuthors().size(),
                    String.join(", ", evaluation.set().forgetAuthors()));
            log.summary().forEach((name, value) -> out.printf(Locale.ROOT, "  %-28s %.4f%n", name, value));
            log.notComputed().forEach((name, why) -> out.printf(Locale.ROOT, "  %-28s %s%n", name, why));
            out.printf(Locale.ROOT, "  log       %s, %s in %s (%.1f s)%n", TofuEvalLog.EVAL_FILE, TofuEvalLog.SUMMARY_FILE, outDir, seconds);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
