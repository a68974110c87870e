package dev.lethe.torch.lm;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;

/**
 * Trains a language model on next-token records (plain text, or question–answer pairs whose loss mask
 * counts the answers) with the recipe of {@link LmTrainConfig}, through the one {@link TrainLoop} and
 * {@link NextTokenTask}: AdamW, {@link LearningRateSchedule#warmupCosine} over all the run's updates,
 * global gradient-norm clipping, and {@link BatchOrder#lengthBuckets length-bucketed} batches. Same
 * model, data, config and thread count ⇒ bit-identical weights.
 */
public final class LmTraining {

    /** Bucket jitter: sequences within about this many tokens of each other may swap batches. */
    static final int BUCKET_JITTER_TOKENS = 16;

    private LmTraining() {
    }

    /** The loop {@link #train} runs: AdamW with the schedule, clipping and bucketed batches of {@code config} for {@code records}. */
    public static TrainLoop loop(LmTrainConfig config, int records) {
        return new TrainLoop(config.toTrainConfig());
    }

    /** Fails, naming the first record that is too long, when a gpt's context cannot hold every record. */
    private static void checkContext(ModelHandle model, RecordSet records) {
        if (!GptFamily.isGpt(model.spec())) {
            return;
        }
        int context = GptFamily.shape(model.spec()).context();
        TokenSequences tokens = (TokenSequences) records.content();
        for (int i = 0; i < records.size(); i++) {
            // the last token is only a target, so a record of context + 1 tokens still fits
            if (tokens.length(i) - 1 > context) {
                throw new IllegalArgumentException("record " + records.id(i) + " has " + tokens.length(i) + " tokens, more than the model's context of "
                        + context + " (+1 for the last target): use a model with a longer context or shorten the record");
            }
        }
    }

    /** Trains {@code model} on {@code records} (next-token targets), reporting progress to {@code listener}. */
    public static TrainResult train(ModelHandle model, RecordSet records, LmTrainConfig config, TrainListener listener) {
        if (!(records.targets() instanceof NextTokenTargets)) {
            throw new IllegalArgumentException(records.name() + " holds " + records.content().describe()
                    + " without next-token targets: a language model trains on token sequences");
        }
        checkContext(model, records);
        try (TensorData data = TensorData.of(records, model.manager())) {
            return loop(config, records.size()).listener(listener).run(model, data, NextTokenTask.INSTANCE.objective());
        }
    }
}
