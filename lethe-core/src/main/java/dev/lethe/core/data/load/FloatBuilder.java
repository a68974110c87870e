package dev.lethe.core.data.load;

import java.util.Arrays;

/** A growable float array, so that loaders can read files whose row count they do not know yet. */
final class FloatBuilder {

    private float[] values = new float[1 << 12];
    private int size;

    void add(float value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.multiplyExact(values.length, 2));
        }
        values[size++] = value;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
