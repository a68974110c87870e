package dev.lethe.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One dense feature array per record, all of one shape, stored as one flat {@code float[]} in record
 * order (row-major within a record). Flat because training copies the whole set into one tensor.
 */
public final class DenseFeatures implements RecordContent {

    private final float[] values;
    private final int[] shape;
    private final int featureSize;

    /**
     * @param values the flattened features of every record, {@code n * product(shape)} values; shared, not copied
     * @param shape the shape of one record's features, e.g. {@code [64]} or {@code [1, 28, 28]}
     */
    public DenseFeatures(float[] values, int[] shape) {
        this.values = Objects.requireNonNull(values, "features");
        this.shape = shape.clone();
        this.featureSize = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    @Override
    public int size() {
        // A zero-width shape cannot tell how many records it holds (RecordSet counts them by id).
        return featureSize == 0 ? 0 : values.length / featureSize;
    }

    /** The flat values, shared, not copied: callers must not modify them. */
    public float[] valuesView() {
        return values;
    }

    /** The shape of one record's features. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of values per record. */
    public int featureSize() {
        return featureSize;
    }

    /** Whether the flat array holds exactly {@code n} records of this shape. */
    boolean holds(int n) {
        return (long) n * featureSize == values.length;
    }

    /** Record {@code i}'s values (copied). */
    public float[] row(int i) {
        return Arrays.copyOfRange(values, i * featureSize, (i + 1) * featureSize);
    }

    @Override
    public DenseFeatures select(int[] positions) {
        float[] out = new float[positions.length * featureSize];
        for (int k = 0; k < positions.length; k++) {
            System.arraycopy(values, positions[k] * featureSize, out, k * featureSize, featureSize);
        }
        return new DenseFeatures(out, shape);
    }

    @Override
    public boolean sameLayout(RecordContent other) {
        return other instanceof DenseFeatures d && Arrays.equals(d.shape, shape);
    }

    @Override
    public DenseFeatures concat(List<RecordContent> others) {
        int total = values.length + others.stream().mapToInt(o -> ((DenseFeatures) o).values.length).sum();
        float[] out = Arrays.copyOf(values, total);
        int at = values.length;
        for (RecordContent o : others) {
            float[] v = ((DenseFeatures) o).values;
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return new DenseFeatures(out, shape);
    }

    @Override
    public String describe() {
        return "shape " + Arrays.toString(shape);
    }

    @Override
    public void digestLayout(MessageDigest md) {
        md.update(Arrays.toString(shape).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void digestValues(MessageDigest md) {
        ByteBuffer fb = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < values.length; off += 4096) {
            int len = Math.min(4096, values.length - off);
            fb.clear();
            fb.asFloatBuffer().put(values, off, len);
            md.update(fb.array(), 0, len * 4);
        }
    }
}
