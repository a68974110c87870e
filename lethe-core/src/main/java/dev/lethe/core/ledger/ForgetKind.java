package dev.lethe.core.ledger;

/** What the values of a forget request name: training records, data subjects, or one whole label (class). */
public enum ForgetKind {
    /** Record ids: forget exactly these training records. */
    RECORDS,
    /** Subject ids: forget every record of these people. */
    SUBJECTS,
    /** One label name: forget every record of that class. */
    LABEL
}
