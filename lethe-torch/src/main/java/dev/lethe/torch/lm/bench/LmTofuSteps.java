package dev.lethe.torch.lm.bench;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.tofu.TofuBenchmarkSet;
import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.lm.evallog.EvalSplit;
import dev.lethe.core.lm.evallog.RetainLog;
import dev.lethe.core.lm.evallog.TofuEvalLog;
import dev.lethe.core.lm.evallog.TofuEvalLogBuilder;
import dev.lethe.core.lm.metrics.Rouge;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.lm.LmTrainConfig;
import dev.lethe.torch.lm.LmTraining;
import dev.lethe.torch.lm.eval.Answerer;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.evidence.HiddenStateProbe;
import dev.lethe.torch.lm.evidence.OutputFigures;
import dev.lethe.torch.lm.evidence.ParaphraseAttack;
import dev.lethe.torch.lm.evidence.RelearningAttack;
import dev.lethe.torch.lm.evidence.RemovalVerdict;
import dev.lethe.torch.lm.evidence.SuppressionFilter;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.train.TrainListener;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

/**
 * The TOFU benchmark's steps on Lethe's language-model parts: the {@code gpt} family trained with
 * {@link LmTraining}'s recipe on a {@link TofuBenchmarkSet} (byte tokens), methods through the
 * {@link UnlearningMethods} registry (forget set = the split's authors' records, retain set = every other
 * training record), scoring with {@link LmScorer} into OpenUnlearning-layout eval logs
 * ({@link TofuEvalLogBuilder}), and the removal evidence of {@code lm/evidence}: the relearning attack, the
 * paraphrase attack and the hidden-state probe, judged by {@link RemovalVerdict} against the retain model.
 */
public final class LmTofuSteps implements TofuBenchSteps<LmTofuSteps.Model> {

    /**
     * The relearning attack's epochs: with {@link #RELEARN_BATCH} and {@link #RELEARN_LEARNING_RATE}, 3 epochs of Adam
     * at 1e-3 in batches of 4 over half the forget pairs — brief against the reference models' 45 epochs, so what it
     * brings back beyond the retain model's was still in the weights.
     */
    static final int RELEARN_EPOCHS = 3;
    /** The relearning attack's batch size. */
    static final int RELEARN_BATCH = 4;
    /** The relearning attack's learning rate. */
    static final float RELEARN_LEARNING_RATE = 1e-3f;
    /** The hidden-state probe's training epochs. */
    static final int PROBE_EPOCHS = 50;
    /** The hidden-state probe's held-out share of each forget author's items. */
    static final double PROBE_TEST_FRACTION = 0.5;

    private static final ToDoubleBiFunction<String, String> ROUGE_L_RECALL = Rouge::rougeLRecall;

    /**
     * A model of the benchmark: its weights, and how it answers a question — its own greedy decoding, or,
     * for the suppression baseline, a refusal filter in front of it. Closing it closes the weights it owns.
     */
    public static final class Model implements AutoCloseable {

        private final ModelHandle handle;
        private final Answerer answerer;
        private final boolean ownsHandle;

        Model(ModelHandle handle, Answerer answerer, boolean ownsHandle) {
            this.handle = handle;
            this.answerer = answerer;
            this.ownsHandle = ownsHandle;
        }

        @Override
        public void close() {
            if (ownsHandle) {
                handle.close();
            }
        }
    }

    private final TofuBenchConfig config;
    private final Device device;
    private final Tokenizer tokenizer = ByteTokenizer.INSTANCE;
    private final TofuBenchmarkSet set;
    private final ModelSpec spec;
    private final LmScorer scorer;
    private final Map<ModelHandle, Evidence> referenceEvidence = new IdentityHashMap<>();
    private java.util.function.Function<String, TrainListener> trainingProgress = task -> TrainListener.NONE;

    private LmTofuSteps(TofuBenchConfig config, Device device, TofuBenchmarkSet set) {
        this.config = config;
        this.device = device;
        this.set = set;
        this.spec = GptFamily.spec(config.model(), tokenizer.vocabularySize());
        this.scorer = new LmScorer(tokenizer, new LmScorer.Options(16, true, true, config.maxNewTokens()));
    }

    /**
     * Reads the TOFU subset of {@code config}, refusing before any training bad data, a bad model spec, an unknown
     * method and a method that does not unlearn a language model.
     */
    public static LmTofuSteps open(TofuBenchConfig config, Device device) throws IOException {
        for (String method : config.methods()) {
            UnlearningMethod<?> m = UnlearningMethods.get(method);
            if (!m.tasks().contains(NextTokenTask.INSTANCE)) {
                throw new IllegalArgumentException("method '" + method + "' does not unlearn a language model (it serves "
                        + m.tasks().stream().map(Task::name).toList() + "); see 'lethe methods' for the ones that do");
            }
        }
        TofuBenchmarkSet set = TofuBenchmarkSet.of(Path.of(config.data()), config.split(), config.retainAuthors(), ByteTokenizer.INSTANCE);
        return new LmTofuSteps(config, device, set);
    }

    /** Reports each reference model's training to the listener {@code progress} makes for the task's name (a progress bar). */
    public LmTofuSteps withTrainingProgress(java.util.function.Function<String, TrainListener> progress) {
        this.trainingProgress = progress;
        return this;
    }

    @Override
    public String dataFingerprint() {
        StringBuilder items = new StringBuilder(set.training().fingerprint());
        for (List<QaItem> split : List.of(set.forget(), set.retain(), set.realAuthors(), set.worldFacts(), set.holdout())) {
            for (QaItem item : split) {
                items.append('\n').append(item.index()).append('\t').append(item.question()).append('\t').append(item.answer())
                        .append('\t').append(item.paraphrasedAnswer()).append('\t').append(item.perturbedAnswers());
            }
        }
        return DigestUtils.sha256Hex(items.toString());
    }

    @Override
    public Model trainFull() {
        return train(set.training(), config.seed(), "train full");
    }

    @Override
    public Model trainRetainOnly(long seed) {
        return train(set.retainOnly(), seed, "train retain-only (seed " + seed + ")");
    }

    private Model train(RecordSet records, long seed, String task) {
        ModelHandle model = ModelHandle.create(spec, Seeds.derive(seed, "tofu-init"), device);
        try {
            LmTraining.train(model, records, recipe(seed), trainingProgress.apply(task));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return own(model);
    }

    private LmTrainConfig recipe(long seed) {
        return LmTrainConfig.defaults(config.epochs(), seed);
    }

    private Model own(ModelHandle model) {
        return new Model(model, new GreedyAnswerer(model, tokenizer, config.maxNewTokens()), true);
    }

    @Override
    public void save(Model model, Path file) throws IOException {
        model.handle.save(file);
    }

    @Override
    public Model load(Path file) throws IOException {
        return own(ModelHandle.load(file, device));
    }

    @Override
    public Model suppressionOnly(Model full) {
        return new Model(full.handle, SuppressionFilter.of(full.answerer, set.forget()), false);
    }

    @Override
    public Model unlearn(String method, Model full) {
        TrainConfig original = recipe(config.seed()).toTrainConfig();
        UnlearningData data = new UnlearningData(set.forgetRecords(), set.retainOnly(), null, tokenizer.name());
        UnlearningMethod<?> chosen = UnlearningMethods.get(method);
        try (UnlearningRun run = UnlearningRun.run(chosen, MethodOptions.addressedTo(chosen, config.options()), full.handle, data,
                UnlearningContext.of(config.methodSeed(method), original))) {
            return own(run.model().copy());
        }
    }

    @Override
    public Map<String, Double> evaluate(Model model, Path evalDir, Path retainLog) {
        Map<EvalSplit, List<ItemScores>> splits = new EnumMap<>(EvalSplit.class);
        splits.put(EvalSplit.FORGET, scorer.score(model.handle, set.forget(), model.answerer));
        splits.put(EvalSplit.RETAIN, scorer.score(model.handle, set.retain(), model.answerer));
        splits.put(EvalSplit.REAL_AUTHORS, scorer.score(model.handle, set.realAuthors(), model.answerer));
        splits.put(EvalSplit.WORLD_FACTS, scorer.score(model.handle, set.worldFacts(), model.answerer));
        // holdout items are only the membership attacks' non-members: teacher forcing is all they need
        splits.put(EvalSplit.HOLDOUT, scorer.score(model.handle, set.holdout(), null));
        if (retainLog.toAbsolutePath().getParent().equals(evalDir.toAbsolutePath())) {
            // the retain model's own row: its log first, then forget quality and PrivLeak against itself
            TofuEvalLogBuilder.build(splits).write(evalDir);
        }
        TofuEvalLog log = TofuEvalLogBuilder.build(splits, Optional.of(RetainLog.read(retainLog)));
        log.write(evalDir);
        return log.summary();
    }

    @Override
    public RemovalEvidence evidence(Model model, Model retain) {
        Evidence reference = referenceEvidence.computeIfAbsent(retain.handle, h -> measure(retain));
        Evidence measured = measure(model);
        RemovalVerdict verdict = RemovalVerdict.judge(measured.verdictInput(), reference.verdictInput());
        double recovery = new RelearningAttack.Comparison(measured.relearning, reference.relearning).excessRecoveredProbability();
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("paraphrased_probability", measured.paraphrase.paraphrased().answerProbability());
        figures.put("paraphrased_rouge", measured.paraphrase.paraphrased().rouge());
        figures.put("relearned_probability", measured.relearning.after().answerProbability());
        figures.put("probe_accuracy", measured.probe.testAccuracy());
        return new RemovalEvidence(recovery, figures, verdict.explanation());
    }

    /** One model's probes: its forget outputs, the paraphrase attack, the relearning attack and the hidden-state probe. */
    private Evidence measure(Model model) {
        List<QaItem> forget = set.forget();
        OutputFigures outputs = OutputFigures.of(new LmScorer(tokenizer, LmScorer.Options.answersOnly()).score(model.handle, forget,
                model.answerer), ROUGE_L_RECALL);
        // an item without a paraphrased question is asked as it is: the attack then adds nothing for it
        List<String> paraphrased = forget.stream().map(i -> i.paraphrasedQuestion() == null ? i.question() : i.paraphrasedQuestion())
                .toList();
        ParaphraseAttack.Result paraphrase = new ParaphraseAttack(tokenizer, ROUGE_L_RECALL).run(model.handle, model.answerer, forget,
                paraphrased);
        RelearningAttack.Config attack = new RelearningAttack.Config(RELEARN_EPOCHS, RELEARN_BATCH, RELEARN_LEARNING_RATE,
                Seeds.derive(config.seed(), "tofu-relearn"));
        RelearningAttack.Result relearning = new RelearningAttack(tokenizer, attack, ROUGE_L_RECALL, config.maxNewTokens())
                .attack(model.handle, forget);
        HiddenStateProbe.Result probe = new HiddenStateProbe(tokenizer, new HiddenStateProbe.Config(model.handle.layerCount() / 2,
                HiddenStateProbe.Span.ANSWER, PROBE_EPOCHS, PROBE_TEST_FRACTION, Seeds.derive(config.seed(), "tofu-probe")))
                .measure(model.handle, forget, HiddenStateProbe.bySubject(set.forgetAuthors()), set.forgetAuthors().size());
        return new Evidence(outputs, paraphrase, relearning, probe);
    }

    /** What the probes measured on one model. */
    private record Evidence(OutputFigures outputs, ParaphraseAttack.Result paraphrase, RelearningAttack.Result relearning,
                            HiddenStateProbe.Result probe) {

        RemovalVerdict.Evidence verdictInput() {
            return RemovalVerdict.Evidence.of(outputs, paraphrase, relearning, probe);
        }
    }
}
