package dev.lethe.core.data;

import java.security.MessageDigest;
import java.util.List;

/**
 * What the records of a {@link RecordSet} are made of, apart from who they are: dense feature vectors
 * (tabular data, images) or token sequences (text). The identity columns (ids, subjects) live in the
 * record set; a content holds one entry per record, in the same order.
 *
 * <p>Sealed because every consumer (tensor copy, data file, fingerprint) has to handle each kind; a new
 * kind is a deliberate change to all of them, not a plug-in.
 */
public sealed interface RecordContent permits DenseFeatures, TokenSequences {

    /** The number of records. */
    int size();

    /** The entries at {@code positions}, in that order. */
    RecordContent select(int[] positions);

    /** Whether {@code other} is the same kind with the same layout (shape or vocabulary), so the two can be concatenated. */
    boolean sameLayout(RecordContent other);

    /** These entries followed by those of {@code others}, each of which has {@link #sameLayout the same layout}. */
    RecordContent concat(List<RecordContent> others);

    /** A one-line description for messages, e.g. {@code shape [64]} or {@code tokens, vocabulary 256}. */
    String describe();

    /** Feeds what identifies the layout (shape, vocabulary) to a fingerprint; comes before any record. */
    void digestLayout(MessageDigest md);

    /** Feeds every entry's values to a fingerprint; comes after the per-record identity columns. */
    void digestValues(MessageDigest md);
}
