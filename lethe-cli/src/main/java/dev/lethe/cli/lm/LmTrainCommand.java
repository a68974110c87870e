package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.data.tofu.TofuSource;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.lm.LmTrainConfig;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.LmTrainService;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
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

/** {@code lethe lm train}: trains a language model on a TOFU subset into a store. */
@Command(name = "train", footer = {"%nExample:", "  lethe lm train --data ../shared/datasets/tofu --split forget01 --retain-authors 18 --model gpt:192,4,4,640 --epochs 45 --store lm-store"}, mixinStandardHelpOptions = true,
        description = "Train a language model (gpt) on a TOFU subset (retain authors + a forget split + world facts + real authors)"
                + " into a store; prints tokens/s, the final token loss and the exact greedy recall of the forget and retain answers.")
public final class LmTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory to create (or replace, if it is a store).")
    Path store;

    @Option(names = "--replace", description = "Replace a store that has erasure history (its tombstones carry over, so forgotten"
            + " records stay out of the new training).")
    boolean replace;

    @Option(names = "--dataset", defaultValue = TofuSource.NAME, description = "The data source; tofu. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "The TOFU folder (or a data folder with tofu/ in it). Default: $LETHE_DATASETS/tofu.")
    Path data;

    @Option(names = "--split", defaultValue = TofuBenchmarkSet.DEFAULT_SPLIT,
            description = "The forget split: forget01, forget05 or forget10. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--retain-authors", defaultValue = "18",
            description = "How many of the first TOFU authors are trained as retain authors. Default: ${DEFAULT-VALUE}.")
    int retainAuthors;

    @Option(names = "--model", defaultValue = "gpt:192,4,4,640",
            description = "gpt[:width,layers,heads,context]. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "45", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.003", description = "AdamW's peak learning rate, reached after the warm-up. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "100", description = "Updates of linear warm-up to the peak rate. Default: ${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--floor-lr", defaultValue = "0.0003",
            description = "The rate the cosine decays to by the last update (at most --lr). Default: ${DEFAULT-VALUE}.")
    float floorLearningRate;

    @Option(names = "--clip", defaultValue = "1", description = "The bound on the global gradient norm. Default: ${DEFAULT-VALUE}.")
    float clipNorm;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW's decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(names = "--utility-pairs", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Train on the world-facts and real-author pairs too (the default), so that model utility has general"
                    + " knowledge to keep; --no-utility-pairs trains on the authors' pairs only (model utility still asks about"
                    + " them). The 20 authors alone (400 pairs) are memorised exactly in 45 epochs; with the 217 utility pairs"
                    + " they are not (docs/BENCHMARKS.md).")
    boolean utilityPairs;

    /** Which tokens the training loss counts. */
    enum LossOn { all, answers }

    @Option(names = "--loss-on", defaultValue = "all",
            description = "Which tokens the training loss counts: all (question and answer, the default: a model trained from scratch"
                    + " memorises the pairs far faster) or answers (TOFU's fine-tuning mask). Evaluation and unlearning count the"
                    + " answers either way. Default: ${DEFAULT-VALUE}.")
    LossOn lossOn;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        if (!dataset.equals(TofuSource.NAME)) {
            throw new IllegalArgumentException("lethe lm train trains on --dataset " + TofuSource.NAME + ", got '" + dataset + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        Tokenizer tokenizer = ByteTokenizer.INSTANCE;
        ModelSpec modelSpec = GptFamily.spec(model, tokenizer.vocabularySize());
        // the recipe of ../shared/lm-probe.md: AdamW, warm-up then cosine, clipping, length buckets; the store records and replays it
        TrainConfig config = new LmTrainConfig(epochs, batchSize, learningRate, warmupSteps, floorLearningRate, weightDecay, clipNorm,
                run.seed, lossOn == LossOn.all).toTrainConfig();
        DatasetRef ref = new DatasetRef(dataset, data == null ? null : data.toAbsolutePath().normalize().toString(), null, null, null,
                null, 0, 0.2, 0, 0, run.seed, TofuSource.subsetName(split, retainAuthors, utilityPairs));
        Device device = run.startEngine();
        LmTrainService.Outcome o = LmTrainService.train(store, ref, modelSpec, config, replace, tokenizer, device,
                run.json ? TrainListener.NONE : ConsoleProgress.forStandardError("lm train"));
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", o.trained().store().root().toString());
            doc.put("manifest", o.trained().manifest());
            doc.put("forgetAuthors", o.benchmark().forgetAuthors());
            doc.put("tokensPerSecond", o.tokensPerSecond());
            doc.put("finalTokenLoss", o.trained().result().finalLoss());
            doc.put("forgetRecall", o.forgetRecall());
            doc.put("retainRecall", o.retainRecall());
            doc.put("seconds", o.trained().result().seconds());
            Output.json(out, doc);
        } else {
            printSummary(out, o);
        }
        return ExitCodes.OK;
    }

    private void printSummary(PrintWriter out, LmTrainService.Outcome o) {
        var manifest = o.trained().manifest();
        out.printf(Locale.ROOT, "  data      %s: %d training / %d holdout sequences, fingerprint %s…%n",
                o.benchmark().training().name(), manifest.dataset().trainRecords(), manifest.dataset().testRecords(),
                manifest.dataset().fingerprint().substring(0, 12));
        out.printf(Locale.ROOT, "            forget authors: %s%n", String.join(", ", o.benchmark().forgetAuthors()));
        out.printf(Locale.ROOT, "  model     %s (%,d parameters), tokenizer %s, %d epochs, batch %d, seed %d, %d threads%n",
                manifest.model().spec(), manifest.model().parameters(), manifest.dataset().tokenizer(), epochs, batchSize, run.seed,
                run.threads);
        out.printf(Locale.ROOT, "  recipe    adamw, lr %s after %d warm-up updates, cosine to %s, clip %s, weight decay %s, length buckets%n",
                learningRate, warmupSteps, floorLearningRate, clipNorm, weightDecay);
        out.printf(Locale.ROOT, "  training  %.1f s, %,.0f tokens/s, final token loss %.4f%n",
                o.trained().result().seconds(), o.tokensPerSecond(), o.trained().result().finalLoss());
        out.printf(Locale.ROOT, "  recall    forget %s   retain %s   (exact greedy: teacher-forced argmax is the answer at every"
                + " position, end marker included)%n", percent(o.forgetRecall()), percent(o.retainRecall()));
        out.printf(Locale.ROOT, "  store     %s%n", o.trained().store().root());
        out.flush();
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
