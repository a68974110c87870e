package dev.lethe.torch.sisa;

import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.store.StoreManifest;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a forget request did, in words for the requester (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 5): the records removed, or why
 * nothing was — "no data held about this subject" (a valid answer to an erasure request) or "already forgotten by
 * req-… on DATE". Never repeats the request's values (the receipt outlives them): a value is named by its position.
 */
final class ForgetOutcome {

    private final Ledger ledger;
    private final IdDigest digest;
    /** Done requests that removed records, by kind and values digest, earliest first: read once, when first needed. */
    private java.util.Map<String, ForgetRequest> earliestByDigest;

    private ForgetOutcome(Ledger ledger, IdDigest digest) {
        this.ledger = ledger;
        this.digest = digest;
    }

    private void index() {
        earliestByDigest = new java.util.HashMap<>();
        for (int offset = 0; ; offset += 1000) {
            List<ForgetRequest> page = ledger.list(RequestStatus.DONE, offset, 1000);
            for (ForgetRequest done : page) {
                if (done.removedRecords()) {
                    earliestByDigest.putIfAbsent(done.kind() + ":" + done.valuesDigest(), done);
                }
            }
            if (page.size() < 1000) {
                return;
            }
        }
    }

    /** The words for a batch's requests, with the ledger's done requests (digests made by {@code digest}) read once. */
    static ForgetOutcome of(Ledger ledger, IdDigest digest) {
        return new ForgetOutcome(ledger, digest);
    }

    /** The sentence for request {@code r} (its values not yet erased), which matched {@code m}. */
    String describe(ForgetRequest r, StoreManifest.Match m) {
        if (m.trainRecords() + m.testRecords() > 0) {
            return String.format(Locale.ROOT, "removed %d training and %d held-out record(s)", m.trainRecords(), m.testRecords());
        }
        if (r.kind() == ForgetKind.LABEL) {
            return "no records of this class remain; nothing changed";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < r.values().size(); i++) {
            String why = earlier(r.kind(), r.values().get(i))
                    .map(e -> "already forgotten by " + e.id() + " on " + e.completedAt().atOffset(ZoneOffset.UTC).toLocalDate())
                    .orElse(r.kind() == ForgetKind.SUBJECTS ? "no data held about this subject" : "already forgotten");
            parts.add(r.values().size() == 1 ? why : "values[" + i + "]: " + why);
        }
        return String.join("; ", parts) + "; nothing changed";
    }

    /**
     * The earliest done request that named exactly {@code value} (its keyed values digest, {@link IdDigest#ofIds},
     * is all the ledger keeps) and removed records. A value forgotten within a request naming several is not found
     * this way, and is then reported as not held, which is also true.
     */
    private Optional<ForgetRequest> earlier(ForgetKind kind, String value) {
        if (earliestByDigest == null) {
            index();
        }
        return Optional.ofNullable(earliestByDigest.get(kind + ":" + digest.ofIds(List.of(value))));
    }
}
