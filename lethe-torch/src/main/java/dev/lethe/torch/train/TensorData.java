package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.DenseFeatures;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;

/**
 * A {@link RecordSet} as tensors on a device, from which training and evaluation take {@link Batch}es.
 * Closing it frees every array it made.
 *
 * <p>Dense features with class labels are copied once: features {@code [n, ...shape]} as float32 and
 * labels {@code [n]} as int64, and batches are gathered from these tensors instead of copying records
 * from Java per batch, which is what keeps the loop fast. Token sequences have no common length, so
 * each batch is built from the ragged Java columns: inputs {@code [b, T]} int64 (a record's tokens but
 * its last, padded with 0), targets {@code [b, T]} int64 (the tokens shifted by one: position t holds
 * token t + 1) and a float32 mask {@code [b, T]} that is 1 where the target counts in the loss and 0 at
 * padding and at positions the record's loss mask leaves out; {@code T} is the longest record in the
 * batch minus one.
 */
public final class TensorData implements AutoCloseable {

    private final RecordSet records;
    private final NDManager manager;
    private final NDArray features;
    private final NDArray labels;

    private TensorData(RecordSet records, NDManager manager, NDArray features, NDArray labels) {
        this.records = records;
        this.manager = manager;
        this.features = features;
        this.labels = labels;
    }

    /** Makes the tensors of {@code records} in a new sub-manager of {@code parent}. */
    public static TensorData of(RecordSet records, NDManager parent) {
        NDManager manager = parent.newSubManager();
        if (!(records.content() instanceof DenseFeatures)) {
            return new TensorData(records, manager, null, null);
        }
        int[] shape = records.featureShape();
        long[] dims = new long[shape.length + 1];
        dims[0] = records.size();
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        NDArray features = manager.create(records.featuresView(), new Shape(dims));
        if (shape.length == 3 && shape[0] > 1 && shape[1] * shape[2] > 1) {
            // one channel: the two layouts are the same memory (and the reordering a view of the buffer closed below)
            NDArray rowMajor = features;
            features = channelsLast(rowMajor);
            rowMajor.close();
        }
        int[] intLabels = records.labels();
        long[] longLabels = new long[intLabels.length];
        for (int i = 0; i < intLabels.length; i++) {
            longLabels[i] = intLabels[i];
        }
        NDArray labels = manager.create(longLabels);
        return new TensorData(records, manager, features, labels);
    }

    /**
     * {@code x} [N, C, H, W] with the same values and shape, its memory laid out [N, H, W, C]: PyTorch's channels-last
     * format, which the batches gathered from it keep and the convolutions, activations and max-pooling of a CNN carry
     * through. libtorch 2.7's max-pooling on the row-major layout is a scalar loop (9.5 ms for [64, 32, 32, 32] on this
     * machine, 0.8 ms channels-last). {@code x} has more than one channel and more than one pixel, so the reordering
     * copies and the result owns its memory, apart from {@code x}'s.
     */
    static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        try (NDArray permuted = x.transpose(0, 2, 3, 1); NDArray copied = permuted.reshape(-1);
             NDArray laidOut = copied.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
            return laidOut.transpose(0, 3, 1, 2);
        }
    }

    public RecordSet records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** All features {@code [n, ...shape]}: the classification view; fails on token sequences. */
    public NDArray features() {
        return dense().features;
    }

    /** All labels {@code [n]}: the classification view; fails on token sequences. */
    public NDArray labels() {
        return dense().labels;
    }

    public NDManager manager() {
        return manager;
    }

    /** The rows at {@code positions} as (features, labels), gathered into {@code target}: the classification view of {@link #batch}. */
    public NDArray[] gather(int[] positions, NDManager target) {
        dense();
        NDArray index = target.create(toLongs(positions));
        NDArray x = features.get(index);
        NDArray y = labels.get(index);
        x.attach(target);
        y.attach(target);
        return new NDArray[]{x, y};
    }

    /** The records at {@code positions} as a batch for step {@code step} of epoch {@code epoch}, in {@code target}. */
    public Batch batch(int[] positions, long step, int epoch, NDManager target) {
        return batch(positions, step, epoch, target, false);
    }

    /**
     * {@link #batch(int[], long, int, NDManager)}, where for token sequences {@code everyToken} makes the mask count
     * every next token of each record (its prompt too), not only the targets the record's loss mask counts.
     */
    public Batch batch(int[] positions, long step, int epoch, NDManager target, boolean everyToken) {
        if (features != null) {
            NDArray[] xy = gather(positions, target);
            return new Batch(new NDList(xy[0]), new NDList(xy[1]), null, positions, step, epoch, target);
        }
        return tokenBatch(positions, step, epoch, target, everyToken);
    }

    /**
     * Records {@code from} (inclusive) to {@code to} (exclusive), in order, as a batch in {@code target}: what
     * evaluation walks through. Dense rows are sliced rather than gathered, as they always were.
     */
    public Batch range(int from, int to, NDManager target) {
        int[] positions = new int[to - from];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = from + i;
        }
        if (features == null) {
            return tokenBatch(positions, 0, 0, target, false);
        }
        NDArray x = features.get(from + ":" + to);
        NDArray y = labels.get(from + ":" + to);
        x.attach(target);
        y.attach(target);
        return new Batch(new NDList(x), new NDList(y), null, positions, 0, 0, target);
    }

    private Batch tokenBatch(int[] positions, long step, int epoch, NDManager target, boolean everyToken) {
        TokenSequences tokens = (TokenSequences) records.content();
        NextTokenTargets next = (NextTokenTargets) records.targets();
        int width = width(tokens, positions);
        int b = positions.length;
        long[] inputs = new long[b * width];
        long[] shifted = new long[b * width];
        float[] mask = new float[b * width];
        for (int k = 0; k < b; k++) {
            int[] seq = tokens.tokens(positions[k]);
            for (int t = 0; t + 1 < seq.length; t++) {
                inputs[k * width + t] = seq[t];
                shifted[k * width + t] = seq[t + 1];
                mask[k * width + t] = everyToken || next.counts(positions[k], t + 1) ? 1f : 0f;
            }
        }
        Shape shape = new Shape(b, width);
        return new Batch(new NDList(target.create(inputs, shape)), new NDList(target.create(shifted, shape)),
                target.create(mask, shape), positions, step, epoch, target);
    }

    /** The {@code T} of a token batch holding every record: the longest record less one (at least 1). */
    public int tokenWidth() {
        return width((TokenSequences) records.content(), java.util.stream.IntStream.range(0, records.size()).toArray());
    }

    private static int width(TokenSequences tokens, int[] positions) {
        int width = 1;
        for (int i : positions) {
            width = Math.max(width, tokens.length(i) - 1);
        }
        return width;
    }

    private TensorData dense() {
        if (features == null) {
            throw new IllegalStateException(records.name() + " holds " + records.content().describe()
                    + ", not dense features: this step works on a classifier's data only");
        }
        return this;
    }

    private static long[] toLongs(int[] positions) {
        long[] idx = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            idx[i] = positions[i];
        }
        return idx;
    }

    @Override
    public void close() {
        manager.close();
    }
}
