package dev.lethe.core.sisa;

import java.util.Locale;

/**
 * How {@link ShardPlan} places records into shards.
 *
 * <ul>
 *   <li>{@link #UNIFORM}: shard and slice are seeded hashes of the record id — a pure function of the
 *       record, so a training on D \ X places every remaining record exactly where it was and the
 *       placement reveals nothing about X.</li>
 *   <li>{@link #SUBJECT}: the shard is a seeded hash of the subject id, so all of a person's records
 *       share one shard and one person's erasure retrains one shard; the slice is a hash of the record
 *       id. Records without a subject fall back to their record id. Also a pure function.</li>
 *   <li>{@link #CLASS}: class-balanced — within each class, records in seeded-hash order are dealt
 *       round-robin over the shards. The placement of a record depends on the other records of its
 *       class, so it is fixed at training time and kept in the store; forgetting never moves the
 *       remaining records. The weaker guarantee: a fresh training on D \ X may place records
 *       differently, so equality with it holds only for the fixed placement.</li>
 * </ul>
 */
public enum Assignment {
    UNIFORM, SUBJECT, CLASS;

    /** Parses {@code uniform}, {@code subject} or {@code class}. */
    public static Assignment parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown assignment '" + text + "': use uniform, subject or class");
        }
    }

    /** Whether a record's placement is a pure function of its own id (or subject) and the seed. */
    public boolean isPure() {
        return this != CLASS;
    }
}
