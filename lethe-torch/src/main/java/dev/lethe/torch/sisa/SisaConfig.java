package dev.lethe.torch.sisa;

import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.TrainConfig;
import org.apache.commons.codec.digest.DigestUtils;

import java.util.Arrays;

/**
 * Everything that determines a SISA ensemble's bits besides the data: the shard plan, the model,
 * the per-slice training configuration ({@code train.epochs()} epochs per slice), the aggregation,
 * and the PyTorch thread count (kernels may sum in another order with other thread counts).
 *
 * @param plan shards × slices and the placement
 * @param model the model every shard trains
 * @param train optimizer, learning rate, batch size, epochs per slice and the run seed
 * @param aggregation how shard outputs combine
 * @param threads PyTorch intra-op threads the checkpoints were trained with
 */
public record SisaConfig(ShardPlan plan, ModelSpec model, TrainConfig train, Aggregation aggregation, int threads) {

    /**
     * SHA-256 over the model, training configuration and threads: part of every checkpoint key, so
     * a checkpoint trained under another configuration is never reused.
     */
    public String fingerprint() {
        String text = "model=" + model.name() + "|input=" + Arrays.toString(model.inputShape()) + "|classes=" + model.numClasses()
                + "|epochsPerSlice=" + train.epochs() + "|batch=" + train.batchSize() + "|optimizer=" + train.optimizer()
                + "|lr=" + Float.floatToIntBits(train.learningRate()) + "|momentum=" + Float.floatToIntBits(train.momentum())
                + "|wd=" + Float.floatToIntBits(train.weightDecay()) + "|seed=" + train.seed() + "|threads=" + threads
                // the language-model recipe, when there is one (absent for classifiers, whose fingerprints stay as they were)
                + (train.schedule() == null ? "" : "|schedule=" + train.schedule());
        return DigestUtils.sha256Hex(text);
    }
}
