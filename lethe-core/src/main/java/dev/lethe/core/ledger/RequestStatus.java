package dev.lethe.core.ledger;

/**
 * Where a forget request stands. ACCEPTED and RUNNING are pending (a restarted worker resumes them);
 * DONE and FAILED are final. Allowed moves: ACCEPTED or RUNNING to RUNNING (a resumed batch),
 * RUNNING to DONE, ACCEPTED or RUNNING to FAILED.
 */
public enum RequestStatus {
    ACCEPTED,
    RUNNING,
    DONE,
    FAILED
}
