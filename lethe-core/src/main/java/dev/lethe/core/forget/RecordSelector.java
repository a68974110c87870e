package dev.lethe.core.forget;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.sisa.TrainingDataFile;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The one reading of what a forget selector names: which positions of a set of records the values of a
 * {@link ForgetKind} match (record ids, subject ids, or one class), which class a label value means, and which
 * named record a store does not know. SISA forgetting matches shard data files with it and single-model
 * unlearning matches the loaded training set, so both kinds of store select exactly the same records.
 */
public final class RecordSelector {

    private RecordSelector() {
    }

    /**
     * What a selector is matched against: the identity columns of some records, by position. Labels are read
     * only for {@link ForgetKind#LABEL}.
     */
    public interface Candidates {

        int size();

        String id(int position);

        /** The record's subject id, or null. */
        String subject(int position);

        int label(int position);

        List<String> classNames();

        /** The records of a loaded set. */
        static Candidates of(RecordSet records) {
            return new Candidates() {
                @Override
                public int size() {
                    return records.size();
                }

                @Override
                public String id(int position) {
                    return records.id(position);
                }

                @Override
                public String subject(int position) {
                    return records.subject(position);
                }

                @Override
                public int label(int position) {
                    return records.label(position);
                }

                @Override
                public List<String> classNames() {
                    return records.classNames();
                }
            };
        }

        /** The records of a data file, from its metadata alone (no features are read). */
        static Candidates of(TrainingDataFile.Metadata metadata) {
            return new Candidates() {
                @Override
                public int size() {
                    return metadata.size();
                }

                @Override
                public String id(int position) {
                    return metadata.ids().get(position);
                }

                @Override
                public String subject(int position) {
                    return metadata.subjects()[position];
                }

                @Override
                public int label(int position) {
                    return metadata.labels()[position];
                }

                @Override
                public List<String> classNames() {
                    return metadata.classNames();
                }
            };
        }
    }

    /** {@link #positions(Candidates, ForgetKind, List)} over a loaded record set. */
    public static Set<Integer> positions(RecordSet records, ForgetKind kind, List<String> values) {
        return positions(Candidates.of(records), kind, values);
    }

    /**
     * Positions (ascending) of the records of {@code records} that {@code kind} with {@code values} names. A
     * label is {@code values.get(0)}, a class name or index ({@link #resolveLabel}).
     *
     * @throws IllegalArgumentException for a label that is not one of the records' classes
     */
    public static Set<Integer> positions(Candidates records, ForgetKind kind, List<String> values) {
        Set<String> wanted = new HashSet<>(values);
        int label = kind == ForgetKind.LABEL ? records.classNames().indexOf(resolveLabel(values.get(0), records.classNames())) : -1;
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < records.size(); i++) {
            boolean hit = switch (kind) {
                case RECORDS -> wanted.contains(records.id(i));
                case SUBJECTS -> records.subject(i) != null && wanted.contains(records.subject(i));
                case LABEL -> records.label(i) == label;
            };
            if (hit) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * The class a label value names: a class name as it is, or else a class index; anything else is refused.
     *
     * @throws IllegalArgumentException naming the classes, when {@code value} is neither
     */
    public static String resolveLabel(String value, List<String> classNames) {
        if (classNames.contains(value)) {
            return value;
        }
        try {
            int index = Integer.parseInt(value);
            if (index >= 0 && index < classNames.size()) {
                return classNames.get(index);
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw new IllegalArgumentException("label '" + value + "' is not a class of this store; classes: " + classNames);
    }

    /**
     * The index of the first record id in {@code ids} that a store neither holds nor has forgotten (a typo is not
     * an erasure), or empty when it knows them all.
     *
     * @param held the ids of every record the store holds
     * @param forgotten whether an id is one the store has forgotten (its tombstones cover it)
     */
    public static OptionalInt firstUnknown(List<String> ids, Set<String> held, Predicate<String> forgotten) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (!held.contains(id) && !forgotten.test(id)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }
}
