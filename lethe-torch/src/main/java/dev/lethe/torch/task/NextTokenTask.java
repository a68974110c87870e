package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Batch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A language model: token ids {@code [b, T]} in, logits {@code [b, T, vocabulary]} out, the next token
 * at every position as targets and the batch's mask saying which positions count (see
 * {@link dev.lethe.torch.train.TensorData}).
 *
 * <p>The batch loss is the token mean: the summed negative log-likelihood of every counted token in the
 * batch over their number, as Hugging Face's {@code CrossEntropyLoss(ignore_index=-100)} computes it
 * and so as OpenUnlearning's NLL, gradient-difference and KL retain terms do. Every byte weighs the
 * same, so a long answer is not outweighed by a batch of short ones: with the mean of per-record
 * means, the 20-author TOFU set (whose 217 one-line world-facts and real-author answers share batches
 * with 200-byte author answers) reached 0.99 token accuracy but only 0.375 exact greedy recall in
 * 45 epochs (docs/BENCHMARKS.md).
 *
 * <p>A record's own loss ({@link #perRecordLoss}: what NPO's ratio, the loss attacks and gradient
 * ascent's bound use) is the masked mean of its token cross-entropies, the length-normalised NLL of
 * the tokens it is trained on (all of plain text; the answer of a question–answer pair). A record
 * with no counted position has loss 0. The metrics are the token loss (masked negative log-likelihood per counted token, over the whole set)
 * and the perplexity {@code exp(token loss)}.
 */
public final class NextTokenTask implements Task {

    public static final String NAME = "next-token";

    /** The one instance: the task holds no state. */
    public static final NextTokenTask INSTANCE = new NextTokenTask();

    private NextTokenTask() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(NDList outputs, Batch batch) {
        return maskedTokenLosses(outputs, batch).sum().div(Scalars.maximum(batch.mask().sum(), 1f));
    }

    @Override
    public NDArray perRecordLoss(NDList outputs, Batch batch) {
        NDArray mask = batch.mask();
        return maskedTokenLosses(outputs, batch).sum(new int[]{1}).div(Scalars.maximum(mask.sum(new int[]{1}), 1f));
    }

    /** Each position's negative log-likelihood of its target token, times the mask: {@code [b, T]}. */
    private static NDArray maskedTokenLosses(NDList outputs, Batch batch) {
        NDArray logits = outputs.singletonOrThrow();
        NDArray targets = batch.targets().singletonOrThrow();
        NDArray logProbabilities = logits.logSoftmax(2);
        NDArray picked = logProbabilities.gather(targets.expandDims(2), 2).squeeze(2);
        return picked.neg().mul(batch.mask());
    }

    @Override
    public Tally newTally(ModelHandle model, RecordSet records) {
        return new Tally(records);
    }

    /** Token loss and perplexity over a data set's batches. */
    static final class Tally implements Task.Tally {

        private final RecordSet records;
        private double lossSum;
        private double tokens;
        private long count;

        Tally(RecordSet records) {
            this.records = records;
        }

        @Override
        public void add(NDList outputs, Batch batch) {
            lossSum += maskedTokenLosses(outputs, batch).sum().getFloat();
            tokens += batch.mask().sum().getFloat();
            count += batch.positions().length;
        }

        @Override
        public TaskMetrics result() {
            double tokenLoss = tokens == 0 ? Double.NaN : lossSum / tokens;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("token-loss", tokenLoss);
            values.put("perplexity", Math.exp(tokenLoss));
            values.put("tokens", tokens);
            return new TaskMetrics(NAME, records.name(), count, values);
        }
    }
}
