package dev.lethe.core.ledger;

/**
 * The outcome of {@link Ledger#verifyChain()}.
 *
 * @param intact         true when every event's hash and link are as recomputed
 * @param eventsChecked  events read, up to and including the first broken one
 * @param firstBrokenSeq the seq of the first event whose number, link or hash is wrong; null when intact
 * @param problem        what is wrong with it, for an operator; null when intact
 */
public record ChainCheck(boolean intact, int eventsChecked, Long firstBrokenSeq, String problem) {

    static ChainCheck intact(int eventsChecked) {
        return new ChainCheck(true, eventsChecked, null, null);
    }

    static ChainCheck broken(int eventsChecked, long seq, String problem) {
        return new ChainCheck(false, eventsChecked, seq, problem);
    }
}
