package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;

/**
 * The relearning attack: fine-tune a copy of the model briefly on half of the forget pairs and measure
 * how much of the other half comes back (Hu et al. 2024, "Jogging the memory of unlearned LLMs through
 * targeted relearning attacks"; Lynch et al. 2024; Deeb and Roger 2024). Knowledge that was only
 * suppressed returns after a few steps, also on the pairs the attack never showed; knowledge that was
 * removed has to be learned anew, so the held-out half stays where a model that never saw it puts it.
 * The figure is therefore read against the same attack on the retain-only reference model
 * ({@link #compare}).
 *
 * <p>The split of the forget pairs and the fine-tune's shuffles are drawn from the config's seed; the
 * fine-tune runs through the one {@link TrainLoop} with the next-token task's loss on the answers.
 * The model itself is never changed.
 */
public final class RelearningAttack {

    /**
     * The attack's fine-tune: fixed, so the same attack hits every model.
     *
     * @param epochs passes over the attack half
     * @param batchSize pairs per step
     * @param learningRate Adam's step size
     * @param seed the seed of the split and the shuffles
     */
    public record Config(int epochs, int batchSize, float learningRate, long seed) {

        public Config {
            // TrainConfig's checks say what is wrong with a bad value.
            new TrainConfig(epochs, batchSize, OptimizerKind.ADAM, learningRate, 0f, 0f, seed);
        }
    }

    /**
     * The held-out half's figures before and after the attack.
     *
     * @param attackItems how many pairs the attack fine-tuned on
     * @param before the held-out pairs on the model
     * @param after the held-out pairs on the attacked copy
     */
    public record Result(int attackItems, OutputFigures before, OutputFigures after) {

        /** How much answer probability the attack brought back on the held-out pairs. */
        public double probabilityGain() {
            return after.answerProbability() - before.answerProbability();
        }
    }

    /** The attack on a model and on the retain-only reference, on the same split. */
    public record Comparison(Result model, Result reference) {

        /** How far above the reference the attack lifts the model's held-out answer probability. */
        public double excessRecoveredProbability() {
            return model.after().answerProbability() - reference.after().answerProbability();
        }
    }

    private final Tokenizer tokenizer;
    private final Config config;
    private final ToDoubleBiFunction<String, String> rouge;
    private final int maxNewTokens;

    /**
     * An attack through {@code tokenizer}; with {@code rouge} (generation, ground truth — TOFU's ROUGE-L
     * recall) the held-out answers are also generated greedily (at most {@code maxNewTokens}) and
     * compared, without it ({@code null}) only the answer probability is measured.
     */
    public RelearningAttack(Tokenizer tokenizer, Config config, ToDoubleBiFunction<String, String> rouge, int maxNewTokens) {
        this.tokenizer = tokenizer;
        this.config = config;
        this.rouge = rouge;
        this.maxNewTokens = maxNewTokens;
    }

    /** Runs the attack on {@code model} and on {@code reference} with the same split and fine-tune. */
    public Comparison compare(ModelHandle model, ModelHandle reference, List<QaItem> forget) {
        return new Comparison(attack(model, forget), attack(reference, forget));
    }

    /** Fine-tunes a copy of {@code model} on one half of {@code forget} and measures the other half before and after. */
    public Result attack(ModelHandle model, List<QaItem> forget) {
        List<List<QaItem>> halves = split(forget);
        List<QaItem> train = halves.get(0);
        List<QaItem> heldOut = halves.get(1);
        OutputFigures before = figures(model, heldOut);
        try (ModelHandle copy = model.copy()) {
            try (TensorData data = TensorData.of(QaRecords.of("relearning-attack", tokenizer, train), copy.manager())) {
                new TrainLoop(new TrainConfig(config.epochs(), config.batchSize(), OptimizerKind.ADAM, config.learningRate(), 0f, 0f,
                        Seeds.derive(config.seed(), "relearn-train"))).run(copy, data, NextTokenTask.INSTANCE.objective());
            }
            return new Result(train.size(), before, figures(copy, heldOut));
        }
    }

    /** The attack half (the first ⌊n/2⌋ of a seeded permutation) and the held-out half (the rest). */
    List<List<QaItem>> split(List<QaItem> forget) {
        if (forget.size() < 2) {
            throw new IllegalArgumentException("the relearning attack needs at least 2 forget pairs (one to relearn, one to test), got "
                    + forget.size());
        }
        List<QaItem> shuffled = new ArrayList<>(forget);
        SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), "relearn-split"));
        for (int i = shuffled.size() - 1; i > 0; i--) {
            java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
        }
        int half = shuffled.size() / 2;
        return List.of(List.copyOf(shuffled.subList(0, half)), List.copyOf(shuffled.subList(half, shuffled.size())));
    }

    private OutputFigures figures(ModelHandle model, List<QaItem> items) {
        LmScorer scorer = new LmScorer(tokenizer, LmScorer.Options.answersOnly());
        return OutputFigures.of(scorer.score(model, items, rouge == null ? null : new GreedyAnswerer(model, tokenizer, maxNewTokens)), rouge);
    }
}
