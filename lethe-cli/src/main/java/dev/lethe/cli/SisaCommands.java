package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.ShardExecutors;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.TrainListener;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Printing and wiring shared by the SISA side of {@code train}, {@code forget} and {@code demo}. */
final class SisaCommands {

    private SisaCommands() {
    }

    static SisaService.Outcome trainAndReport(PrintWriter out, Path store, DatasetRef ref, ModelOptions model, SisaOptions sisa,
                                              ShardExecutor executor, RunOptions run, boolean replace) throws Exception {
        var plan = sisa.plan(run.seed);
        var aggregation = sisa.aggregation();
        Device device = run.startEngine();
        DatasetRef.Loaded data = ref.load();
        // token data (tofu, tinyshakespeare) trains a language model: the registered text sources encode UTF-8 bytes
        Tokenizer tokenizer = data.train().content() instanceof TokenSequences ? ByteTokenizer.INSTANCE : null;
        ModelSpec modelSpec = tokenizer == null ? model.spec(data.train().featureShape(), data.train().numClasses())
                : languageModel(model.model, tokenizer);
        var trainConfig = tokenizer == null ? model.trainConfig(run.seed) : model.languageModelConfig(run.seed);
        SisaConfig config = new SisaConfig(plan, modelSpec, trainConfig, aggregation, run.threads);
        SisaService.Outcome o = SisaService.train(store, data, config, replace, executor, tokenizer, device,
                progress(run, "sisa train"), e -> {
                });
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", o.store().root().toString());
            doc.put("manifest", o.manifest());
            doc.put("trainSeconds", o.seconds());
            doc.put("test", o.test() != null ? EvaluationReport.of(o.test()) : o.testMetrics());
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  data      %s: %d train / %d test records, fingerprint %s…%n", data.ref().name(),
                    o.manifest().dataset().trainRecords(), o.manifest().dataset().testRecords(), data.fingerprint().substring(0, 12));
            if (!o.manifest().tombstones().isEmpty()) {
                out.printf(Locale.ROOT, "            %d records left out: the store this one replaced had forgotten them (%d tombstones carried over)%n",
                        data.train().size() + data.test().size() - o.manifest().dataset().trainRecords() - o.manifest().dataset().testRecords(),
                        o.manifest().tombstones().size());
            }
            out.printf(Locale.ROOT, "  sisa      %d shards × %d slices, %s assignment, %s aggregation, %s per shard, %d epochs per slice%n",
                    plan.shards(), plan.slices(), plan.assignment().name().toLowerCase(Locale.ROOT),
                    aggregation.name().toLowerCase(Locale.ROOT).replace('_', ' '), modelSpec.name(), trainConfig.epochs());
            out.printf(Locale.ROOT, "  training  %.1f s for %d checkpoints%s%n", o.seconds(), o.slices().size(),
                    executor.name().equals(ShardExecutors.local().name()) ? "" : " (engine " + EngineOptions.describe(executor) + ")");
            if (o.test() != null) {
                out.printf(Locale.ROOT, "  accuracy  ensemble test %s%n", Output.pct(o.test().accuracy()));
            } else {
                out.printf(Locale.ROOT, "  test      token loss %.4f nat, perplexity %.2f (mean of the shards' distributions)%n",
                        o.testMetrics().value("token-loss"), o.testMetrics().value("perplexity"));
            }
            out.printf(Locale.ROOT, "  store     %s (manifest.json, data/, checkpoints/, ledger.db)%n", o.store().root());
            out.flush();
        }
        return o;
    }

    /** The language model {@code --model} names for token data: a {@code gpt} over the tokenizer's vocabulary. */
    private static ModelSpec languageModel(String text, Tokenizer tokenizer) {
        if (!text.equals(GptFamily.NAME) && !text.startsWith(GptFamily.NAME + ":")) {
            throw new IllegalArgumentException("this data set holds text, which trains a language model: use --model "
                    + GptFamily.NAME + "[:width,layers,heads,context] (got '" + text + "')");
        }
        return GptFamily.spec(text, tokenizer.vocabularySize());
    }

    static TrainListener progress(RunOptions run, String task) {
        return run.json ? TrainListener.NONE : ConsoleProgress.forStandardError(task);
    }

    static void printReceipt(PrintWriter out, Receipt r) {
        if (!r.changedAnything()) {
            out.printf(Locale.ROOT, "  receipt   %s (%s): %s; model version %d still serves%n", r.requestId(), r.kind(), r.outcome(),
                    r.modelVersion());
            return;
        }
        out.printf(Locale.ROOT, "  receipt   %s (%s): %d training + %d held-out records matched, digest %s…%n", r.requestId(), r.kind(),
                r.matchedTrainRecords(), r.matchedTestRecords(), r.matchedDigest().substring(0, 12));
        if (r.retrained().isEmpty()) {
            out.printf(Locale.ROOT, "            nothing to retrain; model version %d%n", r.modelVersion());
        }
        for (var s : r.retrained()) {
            out.printf(Locale.ROOT, "            shard %d retrained slices %d..%d in %.2f s: %s → %s%n", s.shard(), s.fromSlice(),
                    r.slicesPerShard() - 1, s.seconds(), shortKey(s.before()), shortKey(s.after()));
        }
        if (!r.retrained().isEmpty()) {
            out.printf(Locale.ROOT, "            model version %d (%s; batch of %d request(s), %.2f s)%n", r.modelVersion(), r.guarantee(),
                    r.batchRequests(), r.batchSeconds());
        }
    }

    private static String shortKey(String relativePath) {
        int dash = relativePath.lastIndexOf('-');
        return relativePath.substring(relativePath.indexOf('/') + 1, dash + 1) + relativePath.substring(dash + 1, dash + 13) + "…";
    }
}
