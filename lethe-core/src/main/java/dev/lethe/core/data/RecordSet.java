package dev.lethe.core.data;

import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import dev.lethe.core.seed.Seeds;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * An immutable, columnar set of {@link Record}s that share one feature shape and one label space.
 *
 * <p>Columnar (one flat {@code float[]} for all features) because training copies the whole set into
 * one tensor; {@link #record(int)} gives a row view when one is needed. Record ids are unique within
 * a set; the constructor checks it, so every later step (forget by id, lineage) can rely on it.
 */
public final class RecordSet {

    private final String name;
    private final String[] ids;
    private final String[] subjects;
    private final float[] features;
    private final int[] labels;
    private final int[] featureShape;
    private final int featureSize;
    private final List<String> classNames;

    /**
     * @param name what the set is, for messages and reports ("digits", "mnist/train")
     * @param ids record ids, unique, one per record
     * @param subjects subject ids (entries may be {@code null}), or {@code null} for none at all
     * @param features flattened features, {@code ids.length * product(featureShape)} values
     * @param labels class indices in {@code [0, classNames.size())}
     * @param featureShape shape of one record's features, e.g. {@code [64]} or {@code [1, 28, 28]}
     * @param classNames the names of the classes, indexed by label
     */
    public RecordSet(String name, String[] ids, String[] subjects, float[] features, int[] labels,
                     int[] featureShape, List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.subjects = subjects == null ? new String[ids.length] : subjects;
        this.features = Objects.requireNonNull(features, "features");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.featureShape = featureShape.clone();
        this.classNames = List.copyOf(classNames);
        this.featureSize = Arrays.stream(featureShape).reduce(1, Math::multiplyExact);
        int n = ids.length;
        if (this.subjects.length != n || labels.length != n || (long) n * featureSize != features.length) {
            throw new IllegalArgumentException(name + ": column lengths disagree (ids " + n + ", subjects "
                    + this.subjects.length + ", labels " + labels.length + ", feature values " + features.length
                    + " for shape " + Arrays.toString(featureShape) + ")");
        }
        Set<String> seen = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (ids[i] == null || ids[i].isEmpty()) {
                throw new IllegalArgumentException(name + ": record " + i + " has an empty id");
            }
            if (!seen.add(ids[i])) {
                throw new IllegalArgumentException(name + ": record id '" + ids[i] + "' occurs twice; record ids must be unique");
            }
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(name + ": record '" + ids[i] + "' has label " + labels[i]
                        + " outside [0, " + this.classNames.size() + ")");
            }
        }
    }

    public String name() {
        return name;
    }

    public int size() {
        return ids.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Shape of one record's features. */
    public int[] featureShape() {
        return featureShape.clone();
    }

    /** Number of feature values per record. */
    public int featureSize() {
        return featureSize;
    }

    public String id(int i) {
        return ids[i];
    }

    /** The subject of record {@code i}, or {@code null}. */
    public String subject(int i) {
        return subjects[i];
    }

    public int label(int i) {
        return labels[i];
    }

    /** Whether any record carries a subject id. */
    public boolean hasSubjects() {
        for (String s : subjects) {
            if (s != null) {
                return true;
            }
        }
        return false;
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** A copy of all record ids. */
    public List<String> ids() {
        return List.of(ids);
    }

    /**
     * The flat feature array, shared, not copied: callers must not modify it. Training copies it into
     * a tensor once per run, and a defensive copy of MNIST (188 MB) per call would be wasteful.
     */
    public float[] featuresView() {
        return features;
    }

    /** Row view of record {@code i} (the features are copied). */
    public Record record(int i) {
        return new Record(ids[i], subjects[i], Arrays.copyOfRange(features, i * featureSize, (i + 1) * featureSize), labels[i]);
    }

    /** The records at the given positions, in that order. */
    public RecordSet select(String newName, int[] positions) {
        int n = positions.length;
        String[] nIds = new String[n];
        String[] nSubjects = new String[n];
        int[] nLabels = new int[n];
        float[] nFeatures = new float[n * featureSize];
        for (int k = 0; k < n; k++) {
            int i = positions[k];
            nIds[k] = ids[i];
            nSubjects[k] = subjects[i];
            nLabels[k] = labels[i];
            System.arraycopy(features, i * featureSize, nFeatures, k * featureSize, featureSize);
        }
        return new RecordSet(newName, nIds, nSubjects, nFeatures, nLabels, featureShape, classNames);
    }

    /** The records whose position satisfies the predicate, in their order. */
    public RecordSet filter(String newName, IntPredicate keep) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (keep.test(i)) {
                kept.add(i);
            }
        }
        return select(newName, kept.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The records of several sets with the same shape and classes, one after another. */
    public static RecordSet concat(String name, List<RecordSet> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        RecordSet first = parts.get(0);
        int n = parts.stream().mapToInt(RecordSet::size).sum();
        String[] ids = new String[n];
        String[] subjects = new String[n];
        int[] labels = new int[n];
        float[] features = new float[n * first.featureSize];
        int at = 0;
        for (RecordSet p : parts) {
            if (!Arrays.equals(p.featureShape, first.featureShape) || !p.classNames.equals(first.classNames)) {
                throw new IllegalArgumentException("cannot concatenate " + p.name + " to " + first.name + ": shapes or classes differ");
            }
            System.arraycopy(p.ids, 0, ids, at, p.size());
            System.arraycopy(p.subjects, 0, subjects, at, p.size());
            System.arraycopy(p.labels, 0, labels, at, p.size());
            System.arraycopy(p.features, 0, features, at * first.featureSize, p.features.length);
            at += p.size();
        }
        return new RecordSet(name, ids, subjects, features, labels, first.featureShape, first.classNames);
    }

    /** The first {@code limit} records of each class, in set order (a deterministic subset for quick runs). */
    public RecordSet firstPerClass(int limit) {
        int[] taken = new int[numClasses()];
        return filter(name, i -> taken[labels[i]]++ < limit);
    }

    /** The same records with the given subject column (one entry per record, entries may be null). */
    public RecordSet withSubjects(String[] newSubjects) {
        return new RecordSet(name, ids, newSubjects.clone(), features, labels, featureShape, classNames);
    }

    /** The same records under another name. */
    public RecordSet renamed(String newName) {
        return new RecordSet(newName, ids, subjects, features, labels, featureShape, classNames);
    }

    /**
     * A seeded train/test split in which a record's side is a pure function of its id and the seed.
     *
     * <p>Because membership does not depend on the other records, removing a record never moves
     * another one across the split, which keeps evaluation comparable before and after unlearning.
     * The share of the test side is {@code testFraction} in expectation (not exactly).
     */
    public Split split(long seed, double testFraction) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        long splitSeed = Seeds.derive(seed, "split");
        boolean[] test = new boolean[size()];
        for (int i = 0; i < size(); i++) {
            test[i] = Seeds.unitInterval(splitSeed ^ Seeds.hash(ids[i])) < testFraction;
        }
        return new Split(filter(name + "/train", i -> !test[i]), filter(name + "/test", i -> test[i]));
    }

    /**
     * SHA-256 over everything that defines the set: ids, subjects, labels, features, shape and class
     * names. Two sets with the same fingerprint train identical models; reports record it.
     */
    public String fingerprint() {
        MessageDigest md = DigestUtils.getSha256Digest();
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        md.update(Arrays.toString(featureShape).getBytes(StandardCharsets.UTF_8));
        md.update(String.join("\u0000", classNames).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < size(); i++) {
            md.update(ids[i].getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(subjects[i] == null ? new byte[]{1} : (subjects[i] + "\u0000").getBytes(StandardCharsets.UTF_8));
            buf.clear();
            md.update(buf.putInt(0, labels[i]).array(), 0, 4);
        }
        ByteBuffer fb = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < features.length; off += 4096) {
            int len = Math.min(4096, features.length - off);
            fb.clear();
            fb.asFloatBuffer().put(features, off, len);
            md.update(fb.array(), 0, len * 4);
        }
        return Hex.encodeHexString(md.digest());
    }

    /** Two disjoint sides of a split. */
    public record Split(RecordSet train, RecordSet test) {
    }

    @Override
    public String toString() {
        return name + " (" + size() + " records, shape " + Arrays.toString(featureShape) + ", " + numClasses() + " classes)";
    }
}
