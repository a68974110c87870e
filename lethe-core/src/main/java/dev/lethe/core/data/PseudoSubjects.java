package dev.lethe.core.data;

import dev.lethe.core.seed.Seeds;

/**
 * Gives records of a data set without people in it ("digits", "mnist") pseudo-subjects, so that
 * erasure by subject can be exercised: record {@code id} belongs to {@code subject-k} with
 * {@code k = hash(seed, id) mod subjects}.
 *
 * <p>The subject is a pure function of the seed and the record's own id, never of which other records
 * exist (the same rule as shard placement, docs/ARCHITECTURE.md#exact-unlearning-sisa): removing records leaves every other
 * record's subject unchanged, and the subjects of a subset are those it had in the full set. Subjects
 * are uniform over {@code 0..subjects-1} in expectation, not exactly balanced.
 */
public final class PseudoSubjects {

    private PseudoSubjects() {
    }

    /** The set with its subject column replaced by pseudo-subjects {@code subject-0 .. subject-(n-1)}. */
    public static RecordSet assign(RecordSet set, int subjects, long seed) {
        if (subjects < 1) {
            throw new IllegalArgumentException("the number of subjects must be >= 1, got " + subjects);
        }
        long subjectSeed = Seeds.derive(seed, "pseudo-subjects");
        String[] column = new String[set.size()];
        for (int i = 0; i < set.size(); i++) {
            column[i] = "subject-" + Long.remainderUnsigned(Seeds.mix(subjectSeed ^ Seeds.hash(set.id(i))), subjects);
        }
        return set.withSubjects(column);
    }
}
