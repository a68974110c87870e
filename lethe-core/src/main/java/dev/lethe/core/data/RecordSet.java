package dev.lethe.core.data;

import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import dev.lethe.core.seed.Seeds;

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
 * An immutable, columnar set of {@link Record}s: who each record is (id, subject) and what it holds —
 * its {@link RecordContent} (dense features or token sequences) and its {@link RecordTargets} (a class
 * label, or next-token targets with a loss mask).
 *
 * <p>Identity is kept apart from content because everything exact unlearning needs (forget by id or
 * subject, lineage, the split, the fingerprint) works on ids alone and so works for every kind of
 * content; only training and scoring look inside. Columnar (one flat array for all records) because
 * training copies the whole set into one tensor. Record ids are unique within a set; the constructor
 * checks it, so every later step can rely on it.
 *
 * <p>The classification view ({@link #featuresView()}, {@link #featureShape()}, {@link #labels()},
 * {@link #label(int)}, {@link #numClasses()}, {@link #classNames()}, {@link #record(int)}) is for dense
 * features with class labels; on any other set it fails with a message that says so.
 */
public final class RecordSet {

    private final String name;
    private final String[] ids;
    private final String[] subjects;
    private final RecordContent content;
    private final RecordTargets targets;

    /**
     * A set of dense features with class labels (a classifier's data).
     *
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
        this(name, ids, subjects, new DenseFeatures(features, featureShape), new ClassLabels(labels, classNames));
    }

    /**
     * A set of any content and targets.
     *
     * @param name what the set is, for messages and reports
     * @param ids record ids, unique, one per record
     * @param subjects subject ids (entries may be {@code null}), or {@code null} for none at all
     * @param content one entry per record
     * @param targets one entry per record, of a kind that fits the content (class labels for dense
     *                features; next-token targets for token sequences, aligned with them)
     */
    public RecordSet(String name, String[] ids, String[] subjects, RecordContent content, RecordTargets targets) {
        this.name = Objects.requireNonNull(name, "name");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.subjects = subjects == null ? new String[ids.length] : subjects;
        this.content = Objects.requireNonNull(content, "content");
        this.targets = Objects.requireNonNull(targets, "targets");
        int n = ids.length;
        checkColumns(n);
        Set<String> seen = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (ids[i] == null || ids[i].isEmpty()) {
                throw new IllegalArgumentException(name + ": record " + i + " has an empty id");
            }
            if (!seen.add(ids[i])) {
                throw new IllegalArgumentException(name + ": record id '" + ids[i] + "' occurs twice; record ids must be unique");
            }
            if (targets instanceof ClassLabels c && (c.label(i) < 0 || c.label(i) >= c.classNames().size())) {
                throw new IllegalArgumentException(name + ": record '" + ids[i] + "' has label " + c.label(i)
                        + " outside [0, " + c.classNames().size() + ")");
            }
        }
    }

    private void checkColumns(int n) {
        if (content instanceof DenseFeatures dense && targets instanceof ClassLabels labels) {
            if (subjects.length != n || labels.size() != n || !dense.holds(n)) {
                throw new IllegalArgumentException(name + ": column lengths disagree (ids " + n + ", subjects "
                        + subjects.length + ", labels " + labels.size() + ", feature values " + dense.valuesView().length
                        + " for shape " + Arrays.toString(dense.shape()) + ")");
            }
        } else if (content instanceof TokenSequences tokens && targets instanceof NextTokenTargets next) {
            if (subjects.length != n || tokens.size() != n || next.size() != n) {
                throw new IllegalArgumentException(name + ": column lengths disagree (ids " + n + ", subjects "
                        + subjects.length + ", token sequences " + tokens.size() + ", targets " + next.size() + ")");
            }
            if (!Arrays.equals(tokens.offsets(), next.offsets())) {
                throw new IllegalArgumentException(name + ": the loss mask is not aligned with the token sequences");
            }
        } else {
            throw new IllegalArgumentException(name + ": " + targets.getClass().getSimpleName() + " do not fit "
                    + content.getClass().getSimpleName() + " (dense features take class labels; token sequences next-token targets)");
        }
    }

    public String name() {
        return name;
    }

    public int size() {
        return ids.length;
    }

    /** What the records hold. */
    public RecordContent content() {
        return content;
    }

    /** What a model learns to predict for each record; decides the task. */
    public RecordTargets targets() {
        return targets;
    }

    /** Whether this is a classifier's set (dense features with class labels), the one the classification view serves. */
    public boolean isClassification() {
        return content instanceof DenseFeatures && targets instanceof ClassLabels;
    }

    public int numClasses() {
        return classLabels().classNames().size();
    }

    public List<String> classNames() {
        return classLabels().classNames();
    }

    /** Shape of one record's features. */
    public int[] featureShape() {
        return dense().shape();
    }

    /** Number of feature values per record. */
    public int featureSize() {
        return dense().featureSize();
    }

    public String id(int i) {
        return ids[i];
    }

    /** The subject of record {@code i}, or {@code null}. */
    public String subject(int i) {
        return subjects[i];
    }

    public int label(int i) {
        return classLabels().label(i);
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
        return classLabels().labels();
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
        return dense().valuesView();
    }

    /** Row view of record {@code i} (the features are copied). */
    public Record record(int i) {
        return new Record(ids[i], subjects[i], dense().row(i), classLabels().label(i));
    }

    private DenseFeatures dense() {
        if (content instanceof DenseFeatures dense) {
            return dense;
        }
        throw new IllegalStateException(name + " holds " + content.describe() + ", not dense features: this step works on"
                + " a classifier's data only");
    }

    private ClassLabels classLabels() {
        if (targets instanceof ClassLabels labels) {
            return labels;
        }
        throw new IllegalStateException(name + " has " + targets.getClass().getSimpleName() + ", not class labels: this step"
                + " works on a classifier's data only");
    }

    /** The records at the given positions, in that order. */
    public RecordSet select(String newName, int[] positions) {
        int n = positions.length;
        String[] nIds = new String[n];
        String[] nSubjects = new String[n];
        for (int k = 0; k < n; k++) {
            int i = positions[k];
            nIds[k] = ids[i];
            nSubjects[k] = subjects[i];
        }
        return new RecordSet(newName, nIds, nSubjects, content.select(positions), targets.select(positions));
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

    /** The records of several sets with the same content layout and targets, one after another. */
    public static RecordSet concat(String name, List<RecordSet> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        RecordSet first = parts.get(0);
        int n = parts.stream().mapToInt(RecordSet::size).sum();
        String[] ids = new String[n];
        String[] subjects = new String[n];
        List<RecordContent> contents = new ArrayList<>();
        List<RecordTargets> targets = new ArrayList<>();
        int at = 0;
        for (RecordSet p : parts) {
            if (!p.content.sameLayout(first.content) || !p.targets.sameSpace(first.targets)) {
                throw new IllegalArgumentException("cannot concatenate " + p.name + " to " + first.name + ": shapes or classes differ");
            }
            System.arraycopy(p.ids, 0, ids, at, p.size());
            System.arraycopy(p.subjects, 0, subjects, at, p.size());
            if (p != first) {
                contents.add(p.content);
                targets.add(p.targets);
            }
            at += p.size();
        }
        return new RecordSet(name, ids, subjects, first.content.concat(contents), first.targets.concat(targets));
    }

    /** The first {@code limit} records of each class, in set order (a deterministic subset for quick runs). */
    public RecordSet firstPerClass(int limit) {
        ClassLabels labels = classLabels();
        int[] taken = new int[numClasses()];
        return filter(name, i -> taken[labels.label(i)]++ < limit);
    }

    /** The same records with the given subject column (one entry per record, entries may be null). */
    public RecordSet withSubjects(String[] newSubjects) {
        return new RecordSet(name, ids, newSubjects.clone(), content, targets);
    }

    /**
     * The same records (ids, subjects, targets) with other dense features, e.g. a model's inner representation of them.
     *
     * @param newName the set's name
     * @param features flattened features, {@code size() * product(featureShape)} values
     * @param featureShape shape of one record's features
     */
    public RecordSet withFeatures(String newName, float[] features, int[] featureShape) {
        return new RecordSet(newName, ids, subjects, new DenseFeatures(features, featureShape), targets);
    }

    /** The same records under another name. */
    public RecordSet renamed(String newName) {
        return new RecordSet(newName, ids, subjects, content, targets);
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
     * SHA-256 over everything that defines the set: ids, subjects, content and targets. Two sets with
     * the same fingerprint train identical models; stores and reports record it.
     *
     * <p>The order of the bytes (layout, target space, then per record id, subject and target, then the
     * content values) is what the fingerprint of a dense, class-labelled set has always been: stores
     * written before token content existed keep their fingerprints.
     */
    public String fingerprint() {
        MessageDigest md = DigestUtils.getSha256Digest();
        content.digestLayout(md);
        targets.digestSpace(md);
        for (int i = 0; i < size(); i++) {
            md.update(ids[i].getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(subjects[i] == null ? new byte[]{1} : (subjects[i] + "\u0000").getBytes(StandardCharsets.UTF_8));
            targets.digestRecord(md, i);
        }
        content.digestValues(md);
        targets.digestRest(md);
        return Hex.encodeHexString(md.digest());
    }

    /** Two disjoint sides of a split. */
    public record Split(RecordSet train, RecordSet test) {
    }

    @Override
    public String toString() {
        if (isClassification()) {
            return name + " (" + size() + " records, shape " + Arrays.toString(featureShape()) + ", " + numClasses() + " classes)";
        }
        return name + " (" + size() + " records, " + content.describe() + ")";
    }
}
