package dev.lethe.core.ledger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a caller asks the ledger to forget, before it is accepted. Validated on construction so that a bad
 * request is refused before anything is written; error messages name positions, never the values
 * themselves (they are personal data and messages end up in logs).
 *
 * <p>Values are a set: duplicates and line breaks are refused, because the digest that outlives the values
 * ({@link dev.lethe.core.keys.IdDigest#ofIds}) joins the sorted values with '\n' and must identify them unambiguously.
 *
 * @param kind           what the values name
 * @param values         record ids, subject ids, or exactly one label name
 * @param reason         free text for operators, may be null
 * @param idempotencyKey a caller's key that makes a retried submission return the first request, may be null
 */
public record RequestSpec(ForgetKind kind, List<String> values, String reason, String idempotencyKey) {

    /** The longest value (record id, subject id, label) a request may name. */
    public static final int MAX_VALUE_LENGTH = 512;
    /** The longest reason a request may carry. */
    public static final int MAX_REASON_LENGTH = 2_000;
    /** The longest idempotency key. */
    public static final int MAX_KEY_LENGTH = 200;

    public RequestSpec {
        Objects.requireNonNull(kind, "kind is required (RECORDS, SUBJECTS or LABEL)");
        Objects.requireNonNull(values, "values are required");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a forget request needs at least one value");
        }
        if (kind == ForgetKind.LABEL && values.size() != 1) {
            throw new IllegalArgumentException("a LABEL request takes exactly one label name, got " + values.size());
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("values[" + i + "] is blank");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("values[" + i + "] has " + value.length() + " characters; at most "
                        + MAX_VALUE_LENGTH);
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("values[" + i + "] contains a line break");
            }
            Integer first = seen.putIfAbsent(value, i);
            if (first != null) {
                throw new IllegalArgumentException("values[" + i + "] repeats values[" + first + "]");
            }
        }
        if (idempotencyKey != null && idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("idempotencyKey is blank; leave it null or give a key");
        }
        if (idempotencyKey != null && idempotencyKey.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("idempotencyKey has " + idempotencyKey.length() + " characters; at most "
                    + MAX_KEY_LENGTH);
        }
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("reason has " + reason.length() + " characters; at most "
                    + MAX_REASON_LENGTH);
        }
        values = List.copyOf(values);
    }
}
