package dev.lethe.torch.lm.edit;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.lm.metrics.Rouge;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.lm.evidence.OutputFigures;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainConfig;

import java.util.List;
import java.util.Map;

/**
 * Unlearns an entity given only its name (issue 13, item 4a): builds the {@link EntityForgetSet} from the
 * model's own answers about the name, runs an unlearning method on it against the retain pairs the caller
 * gives, and measures the result on the entity's real pairs, which the method never sees, and on the
 * retain pairs ({@link EntityReport}). The original model is left as it was.
 */
public final class EntityUnlearning {

    /**
     * The unlearned copy (owned by the caller: close it) and what was measured.
     *
     * @param run the method's run (its model is the unlearned copy)
     * @param forgetSet what the model said about the entity, the pairs unlearned
     * @param report the before/after figures and the verdict
     */
    public record Result(UnlearningRun run, EntityForgetSet forgetSet, EntityReport report) implements AutoCloseable {

        public ModelHandle model() {
            return run.model();
        }

        @Override
        public void close() {
            run.close();
        }
    }

    private final Tokenizer tokenizer;
    private final TrainConfig original;
    private final int maxNewTokens;

    /**
     * Unlearning through {@code tokenizer} of a model trained with {@code original} (the configuration
     * the methods' fine-tuning phases start from); answers are generated with at most {@code maxNewTokens} tokens.
     */
    public EntityUnlearning(Tokenizer tokenizer, TrainConfig original, int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        this.tokenizer = tokenizer;
        this.original = original;
        this.maxNewTokens = maxNewTokens;
    }

    /**
     * Forgets {@code name} from a copy of {@code model} with {@code method} (options {@code options}).
     *
     * @param retain the pairs to keep (other subjects'): the method's retain set and the utility measure
     * @param entityPairs the entity's real pairs, never given to the method: the forgetting measure
     * @param seed the run seed
     */
    public Result run(ModelHandle model, String name, UnlearningMethod<?> method, Map<String, String> options, List<QaItem> retain,
                      List<QaItem> entityPairs, long seed) {
        if (retain.isEmpty()) {
            throw new IllegalArgumentException("the retain pairs are empty: give other subjects' pairs, which the method keeps and utility is measured on");
        }
        if (entityPairs.isEmpty()) {
            throw new IllegalArgumentException("no real pairs of '" + name + "' to measure the forgetting on: give the entity's question-answer pairs");
        }
        EntityForgetSet forgetSet = EntityForgetSet.build(model, tokenizer, name, maxNewTokens);
        LmScorer scorer = new LmScorer(tokenizer, new LmScorer.Options(16, true, false, maxNewTokens));
        OutputFigures entityBefore = figures(scorer, model, entityPairs);
        OutputFigures retainBefore = figures(scorer, model, retain);
        UnlearningData data = new UnlearningData(forgetSet.records(tokenizer), QaRecords.of("entity-retain", tokenizer, retain), null,
                tokenizer.name());
        UnlearningRun run = UnlearningRun.run(method, options, model, data, UnlearningContext.of(seed, original));
        try {
            EntityReport report = new EntityReport(forgetSet.entity(), forgetSet.items().size(), entityBefore,
                    figures(scorer, run.model(), entityPairs), retainBefore, figures(scorer, run.model(), retain));
            return new Result(run, forgetSet, report);
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private static OutputFigures figures(LmScorer scorer, ModelHandle model, List<QaItem> pairs) {
        return OutputFigures.of(scorer.score(model, pairs), Rouge::rougeLRecall);
    }
}
