package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.RecordSet;

/**
 * A {@link RecordSet} copied once into tensors on a device: features {@code [n, ...shape]} as float32
 * and labels {@code [n]} as int64. Closing it frees both.
 *
 * <p>Training and evaluation gather batches from these tensors instead of copying records from
 * Java per batch, which is what keeps the loop fast.
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

    /** Copies {@code records} into tensors owned by a new sub-manager of {@code parent}. */
    public static TensorData of(RecordSet records, NDManager parent) {
        NDManager manager = parent.newSubManager();
        int[] shape = records.featureShape();
        long[] dims = new long[shape.length + 1];
        dims[0] = records.size();
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        NDArray features = manager.create(records.featuresView(), new Shape(dims));
        int[] intLabels = records.labels();
        long[] longLabels = new long[intLabels.length];
        for (int i = 0; i < intLabels.length; i++) {
            longLabels[i] = intLabels[i];
        }
        NDArray labels = manager.create(longLabels);
        return new TensorData(records, manager, features, labels);
    }

    public RecordSet records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    public NDArray features() {
        return features;
    }

    public NDArray labels() {
        return labels;
    }

    public NDManager manager() {
        return manager;
    }

    /** The rows at {@code positions}, gathered into new arrays that belong to {@code target}. */
    public NDArray[] gather(int[] positions, NDManager target) {
        long[] idx = new long[positions.length];
        for (int i = 0; i < positions.length; i++) {
            idx[i] = positions[i];
        }
        NDArray index = target.create(idx);
        NDArray x = features.get(index);
        NDArray y = labels.get(index);
        x.attach(target);
        y.attach(target);
        return new NDArray[]{x, y};
    }

    @Override
    public void close() {
        manager.close();
    }
}
