package dev.lethe.core.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.List;

/**
 * A forget request as the ledger holds it. Once DONE its raw values are erased ("deleted means deleted",
 * docs/ARCHITECTURE.md#the-store-and-its-invariants): {@link #values()} is then empty and only {@link #valuesCount()} and
 * {@link #valuesDigest()} remain (the store's keyed digest, {@link dev.lethe.core.keys.IdDigest#ofIds}).
 *
 * @param id           {@code req-} followed by 12 random hex digits
 * @param values       the raw values while pending or failed; empty once DONE
 * @param reason       the caller's free text while it is kept (see {@link Ledger#reasonRetention}), else null
 * @param principal    who submitted it
 * @param acceptedAt   when it became durable
 * @param completedAt  when it became DONE or FAILED, else null
 * @param batchId      the worker batch that last ran it, else null
 * @param receiptJson  the unlearning receipt once DONE, else null
 * @param failure      why it FAILED, else null
 */
public record ForgetRequest(
        String id,
        ForgetKind kind,
        List<String> values,
        int valuesCount,
        String valuesDigest,
        String reason,
        String principal,
        RequestStatus status,
        Instant acceptedAt,
        Instant completedAt,
        String batchId,
        String receiptJson,
        String failure) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ForgetRequest {
        values = List.copyOf(values);
    }

    /**
     * Whether this DONE request's receipt says it removed records (one that matched nothing made no model version).
     * A receipt that is missing or unreadable counts as having removed some: the audit then demands a version for it.
     */
    public boolean removedRecords() {
        if (receiptJson == null) {
            return true;
        }
        try {
            JsonNode receipt = JSON.readTree(receiptJson);
            return receipt.path("matchedTrainRecords").asInt(1) + receipt.path("matchedTestRecords").asInt(1) > 0;
        } catch (JsonProcessingException e) {
            return true;
        }
    }
}
