package dev.lethe.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One class label per record, an index into {@code classNames}: the targets of a classifier.
 * ({@link RecordSet} checks that every label is in range, naming the record that is not.)
 */
public final class ClassLabels implements RecordTargets {

    private final int[] labels;
    private final List<String> classNames;

    /**
     * @param labels class indices in {@code [0, classNames.size())}; shared, not copied
     * @param classNames the names of the classes, indexed by label
     */
    public ClassLabels(int[] labels, List<String> classNames) {
        this.labels = Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    public List<String> classNames() {
        return classNames;
    }

    @Override
    public ClassLabels select(int[] positions) {
        int[] out = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            out[k] = labels[positions[k]];
        }
        return new ClassLabels(out, classNames);
    }

    @Override
    public boolean sameSpace(RecordTargets other) {
        return other instanceof ClassLabels c && c.classNames.equals(classNames);
    }

    @Override
    public ClassLabels concat(List<RecordTargets> others) {
        int total = labels.length + others.stream().mapToInt(RecordTargets::size).sum();
        int[] out = Arrays.copyOf(labels, total);
        int at = labels.length;
        for (RecordTargets o : others) {
            int[] l = ((ClassLabels) o).labels;
            System.arraycopy(l, 0, out, at, l.length);
            at += l.length;
        }
        return new ClassLabels(out, classNames);
    }

    @Override
    public void digestSpace(MessageDigest md) {
        md.update(String.join("\u0000", classNames).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void digestRecord(MessageDigest md, int i) {
        md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, labels[i]).array(), 0, 4);
    }

    @Override
    public void digestRest(MessageDigest md) {
        // Every label went in with its record.
    }
}
