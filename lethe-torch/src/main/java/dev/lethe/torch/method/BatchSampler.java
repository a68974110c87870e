package dev.lethe.torch.method;

import ai.djl.ndarray.NDManager;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

import java.util.SplittableRandom;

/**
 * Draws batches of a second data set while {@link dev.lethe.torch.train.TrainLoop} iterates over the
 * first — e.g. retain batches for gradient difference, whose loop runs over the forget set. The batch
 * of step t is drawn from {@code Seeds.derive(seed, purpose, t)}: a pure function of the step.
 */
public final class BatchSampler {

    private final TensorData data;
    private final int batchSize;
    private final long seed;

    public BatchSampler(TensorData data, int batchSize, long seed) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot sample batches from an empty set (" + data.records().name() + ")");
        }
        this.data = data;
        this.batchSize = Math.min(batchSize, data.size());
        this.seed = seed;
    }

    /** The batch for {@code step}, in {@code manager}. */
    public Batch batch(long step, NDManager manager) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "sample", step));
        int[] positions = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            positions[i] = random.nextInt(data.size());
        }
        return data.batch(positions, step, 0, manager);
    }
}
