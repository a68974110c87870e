package dev.lethe.core.data;

import java.security.MessageDigest;
import java.util.List;

/**
 * What a model learns to predict for each record of a {@link RecordSet}: a class label, or the next
 * token at every position of the record's token sequence (with a mask saying which positions count).
 * The kind of targets decides the task (loss and metrics) a record set is trained and scored with.
 */
public sealed interface RecordTargets permits ClassLabels, NextTokenTargets {

    /** The number of records. */
    int size();

    /** The entries at {@code positions}, in that order. */
    RecordTargets select(int[] positions);

    /** Whether {@code other} is the same kind over the same target space (class names), so the two can be concatenated. */
    boolean sameSpace(RecordTargets other);

    /** These entries followed by those of {@code others}, each of which has {@link #sameSpace the same space}. */
    RecordTargets concat(List<RecordTargets> others);

    /** Feeds what identifies the target space (class names) to a fingerprint; comes before any record. */
    void digestSpace(MessageDigest md);

    /** Feeds record {@code i}'s target to a fingerprint, after its id and subject. */
    void digestRecord(MessageDigest md, int i);

    /** Feeds anything not fed per record (e.g. token masks) to a fingerprint; comes last. */
    void digestRest(MessageDigest md);
}
