package dev.lethe.torch.service;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DataSources;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.data.tofu.TofuSource;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.lm.evallog.EvalSplit;
import dev.lethe.core.lm.evallog.RetainLog;
import dev.lethe.core.lm.evallog.TofuEvalLog;
import dev.lethe.core.lm.evallog.TofuEvalLogBuilder;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;
import dev.lethe.torch.lm.eval.Answerer;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.eval.ScoredLanguageModel;
import dev.lethe.torch.model.ModelHandle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one TOFU evaluation of a language model (Maini et al. 2024, as OpenUnlearning runs it): the model is
 * scored ({@link LmScorer}) on a benchmark subset's forget, retain, real-author, world-fact and holdout sets,
 * and the per-item scores become an eval log in OpenUnlearning's layout ({@link TofuEvalLogBuilder}:
 * {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json}). {@code lethe lm eval} and {@code lethe bench tofu}
 * both evaluate through it, so a store's numbers and a benchmark row's are the same computation.
 *
 * <p>Also the cheap training-time check {@link #exactRecall}: the share of items whose teacher-forced argmax
 * equals the answer at every position, end marker included (no decoding).
 */
public final class TofuEvaluation {

    private final TofuBenchmarkSet set;
    private final Tokenizer tokenizer;

    /** Evaluates on {@code set}'s evaluation sets, encoding with {@code tokenizer} (the model's). */
    public TofuEvaluation(TofuBenchmarkSet set, Tokenizer tokenizer) {
        this.set = set;
        this.tokenizer = tokenizer;
    }

    /**
     * The evaluation of a language-model store trained on {@code --dataset tofu}: its benchmark subset read again from
     * the data reference in the manifest, with the store's tokenizer. Any other store is refused, saying why.
     */
    public static TofuEvaluation ofStore(StoreManifest manifest) throws IOException {
        StoreManifest.DatasetInfo dataset = manifest.dataset();
        if (!dataset.holdsTokens()) {
            throw new IllegalArgumentException("this store holds a classifier, not a language model: evaluate it with 'lethe eval'");
        }
        return new TofuEvaluation(benchmark(dataset.source()), Tokenizers.get(dataset.tokenizer()));
    }

    /** The TOFU benchmark subset a data reference names; a reference to another source is refused. */
    public static TofuBenchmarkSet benchmark(DatasetRef ref) throws IOException {
        if (!(DataSources.get(ref.name()) instanceof TofuSource tofu)) {
            throw new IllegalArgumentException("this store was trained on '" + ref.name()
                    + "', which has no TOFU evaluation sets: a TOFU evaluation needs a store trained with --dataset tofu");
        }
        return tofu.benchmark(ref);
    }

    /** The benchmark subset evaluated on. */
    public TofuBenchmarkSet set() {
        return set;
    }

    /**
     * Per-item scores of every evaluation split that has items (a subset with no retain author has no retain split):
     * teacher-forced values from {@code model}, answers from {@code answerer} (whatever stands in front of the model,
     * e.g. an output filter; {@code null}: none).
     */
    public Map<EvalSplit, List<ItemScores>> score(ModelHandle model, LmScorer.Options options, Answerer answerer) {
        return score(ScoredLanguageModel.of(model), options, answerer);
    }

    /** As {@link #score(ModelHandle, LmScorer.Options, Answerer)} for any language model: one, or a SISA ensemble's mixture. */
    public Map<EvalSplit, List<ItemScores>> score(ScoredLanguageModel model, LmScorer.Options options, Answerer answerer) {
        LmScorer scorer = new LmScorer(tokenizer, options);
        // holdout items only feed the membership AUCs (their NLLs); they need no alternatives and no generation
        LmScorer nllOnly = new LmScorer(tokenizer, new LmScorer.Options(options.batchSize(), false, false, options.maxNewTokens()));
        Map<EvalSplit, List<ItemScores>> splits = new EnumMap<>(EvalSplit.class);
        Map<EvalSplit, List<QaItem>> items = Map.of(EvalSplit.FORGET, set.forget(), EvalSplit.RETAIN, set.retain(),
                EvalSplit.REAL_AUTHORS, set.realAuthors(), EvalSplit.WORLD_FACTS, set.worldFacts(), EvalSplit.HOLDOUT, set.holdout());
        for (EvalSplit split : EvalSplit.values()) {
            List<QaItem> splitItems = items.get(split);
            if (!splitItems.isEmpty()) {
                splits.put(split, split == EvalSplit.HOLDOUT ? nllOnly.score(model, splitItems, null) : scorer.score(model, splitItems, answerer));
            }
        }
        return splits;
    }

    /**
     * Scores {@code model}, writes {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json} into {@code outDir} and returns
     * the log. Forget quality and PrivLeak are computed against the retain model's log {@code retainLog}; "not computed"
     * without one ({@code null}). When {@code retainLog} is the {@code TOFU_EVAL.json} being written here, or
     * {@code outDir} itself (a retain model's own row), against itself, as OpenUnlearning's reference rows are.
     */
    public TofuEvalLog evaluate(ModelHandle model, LmScorer.Options options, Path outDir, Path retainLog) {
        return evaluate(ScoredLanguageModel.of(model), options, outDir, retainLog);
    }

    /** As {@link #evaluate(ModelHandle, LmScorer.Options, Path, Path)} for any language model: one, or a SISA ensemble's mixture. */
    public TofuEvalLog evaluate(ScoredLanguageModel model, LmScorer.Options options, Path outDir, Path retainLog) {
        return evaluate(model, options, options.generate() ? new GreedyAnswerer(model, tokenizer, options.maxNewTokens()) : null,
                outDir, retainLog);
    }

    /**
     * As {@link #evaluate(ModelHandle, LmScorer.Options, Path, Path)}, with the answers from {@code answerer} ({@code null}:
     * none): what {@code lethe bench tofu} evaluates a model behind an output filter with.
     */
    public TofuEvalLog evaluate(ModelHandle model, LmScorer.Options options, Answerer answerer, Path outDir, Path retainLog) {
        return evaluate(ScoredLanguageModel.of(model), options, answerer, outDir, retainLog);
    }

    /** As {@link #evaluate(ModelHandle, LmScorer.Options, Answerer, Path, Path)} for any language model. */
    public TofuEvalLog evaluate(ScoredLanguageModel model, LmScorer.Options options, Answerer answerer, Path outDir, Path retainLog) {
        Path ownLog = outDir.resolve(TofuEvalLog.EVAL_FILE).toAbsolutePath().normalize();
        boolean self = retainLog != null && isOwnLog(retainLog.toAbsolutePath().normalize(), ownLog);
        // another model's log is read before the scoring, so that a bad one fails before the slow part
        Optional<RetainLog> reference = retainLog == null || self ? Optional.empty() : Optional.of(RetainLog.read(retainLog));
        Map<EvalSplit, List<ItemScores>> splits = score(model, options, answerer);
        if (self) {
            TofuEvalLogBuilder.build(splits).write(outDir); // the log forget quality is then read back from
            reference = Optional.of(RetainLog.read(ownLog));
        }
        TofuEvalLog log = TofuEvalLogBuilder.build(splits, reference);
        log.write(outDir);
        return log;
    }

    private static boolean isOwnLog(Path retainLog, Path ownLog) {
        return retainLog.equals(ownLog) || retainLog.equals(ownLog.getParent());
    }

    /**
     * Exact greedy recall: the share of {@code items} whose teacher-forced argmax equals the answer at every answer
     * position, end marker included; what a model that has memorised the answers scores 1 on.
     */
    public double exactRecall(ModelHandle model, List<QaItem> items) {
        if (items.isEmpty()) {
            return Double.NaN;
        }
        List<ItemScores> scores = new LmScorer(tokenizer, LmScorer.Options.answersOnly()).score(model, items);
        long recalled = scores.stream().filter(s -> Arrays.equals(s.answerArgmax(), s.answerTokens())).count();
        return (double) recalled / scores.size();
    }
}
