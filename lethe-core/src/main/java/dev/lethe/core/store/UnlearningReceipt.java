package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The receipt of a model version made by an approximate unlearning method ({@code lethe unlearn}):
 * what ran (method, resolved options, guarantee, seed, time), what it matched (a count and a keyed
 * digest, never the ids), what it left out and tombstoned, and which model files the switch purged.
 * Kept in the version's {@code unlearning} entry of the manifest and in {@code reports/unlearn-vN.json};
 * the JSON keys are the component names, in this order. Components that older receipts lack are null
 * and left out, so those receipts read and write back unchanged.
 *
 * @param preparedState what became of the prepared state kept next to the model file (loaded, or why it
 *                      was prepared inline); null when the method keeps none
 * @param method the method's id
 * @param guarantee the method's guarantee, lower case
 * @param options the resolved options, field → value
 * @param seed the run seed
 * @param seconds wall time of the method
 * @param report what the method recorded about the run; null when it recorded nothing
 * @param selector records, subjects or label
 * @param matchedRecords training records the selector matched
 * @param matchedDigest keyed digest of the matched record ids; null in the history, which keeps no digests of ids
 * @param retainRecords training records the method kept
 * @param excludedEarlier training records earlier requests had forgotten, left out of the run
 * @param tombstoned records (training and held-out) added to the tombstones
 * @param fromVersion the version the method ran on
 * @param modelVersion the version it made
 * @param keepPrevious whether the earlier versions' model files were kept ({@code --keep-previous})
 * @param purgedLeftovers what an interrupted earlier run had left in {@code models/} and this run deleted; null when nothing
 * @param purged the model files the switch made unjustified and the purge deletes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"preparedState", "method", "guarantee", "options", "seed", "seconds", "report", "selector", "matchedRecords",
        "matchedDigest", "retainRecords", "excludedEarlier", "tombstoned", "fromVersion", "modelVersion", "keepPrevious",
        "purgedLeftovers", "purged"})
public record UnlearningReceipt(String preparedState, String method, String guarantee, Map<String, Object> options, long seed,
                                double seconds, Map<String, Object> report, String selector, int matchedRecords, String matchedDigest,
                                int retainRecords, Integer excludedEarlier, Integer tombstoned, int fromVersion, int modelVersion,
                                Boolean keepPrevious, List<String> purgedLeftovers, List<String> purged) {

    /** Whether the version was made keeping the earlier versions' model files. */
    public boolean keptPrevious() {
        return Boolean.TRUE.equals(keepPrevious);
    }

    /** How many records the run added to the tombstones (0 in receipts from before tombstones). */
    public int tombstonedCount() {
        return tombstoned == null ? 0 : tombstoned;
    }

    /** This receipt naming the files the purge deletes. */
    public UnlearningReceipt withPurged(List<String> files) {
        return new UnlearningReceipt(preparedState, method, guarantee, options, seed, seconds, report, selector, matchedRecords,
                matchedDigest, retainRecords, excludedEarlier, tombstoned, fromVersion, modelVersion, keepPrevious, purgedLeftovers,
                List.copyOf(files));
    }

    /** This receipt with its digest of ids passed through {@code rekey} (null becomes null). */
    UnlearningReceipt rekeyed(UnaryOperator<String> rekey) {
        return withDigest(matchedDigest == null ? null : rekey.apply(matchedDigest));
    }

    /** This receipt without its digest of ids: what the append-only history keeps. */
    UnlearningReceipt withoutIdDigests() {
        return withDigest(null);
    }

    private UnlearningReceipt withDigest(String digest) {
        return new UnlearningReceipt(preparedState, method, guarantee, options, seed, seconds, report, selector, matchedRecords,
                digest, retainRecords, excludedEarlier, tombstoned, fromVersion, modelVersion, keepPrevious, purgedLeftovers, purged);
    }
}
