package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A version of a single-model store: one model file, verified against its digest when loaded.
 *
 * @param version 1, 2, ...
 * @param file path of the model file relative to the store
 * @param sha256 digest of the model file's bytes
 * @param createdAt ISO-8601 instant
 * @param metrics headline metrics (train/test accuracy and loss, train seconds; forget accuracy after an unlearning)
 * @param requests always empty: approximate unlearning takes no forget requests (kept for the manifest's format)
 * @param unlearning for a version made by an approximate method, its receipt; null for a trained version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "file", "sha256", "createdAt", "metrics", "requests", "unlearning"})
public record SingleModelVersion(int version, String file, String sha256, String createdAt, Map<String, Double> metrics,
                                 List<String> requests, UnlearningReceipt unlearning) implements StoreManifest.ModelVersion {

    public SingleModelVersion {
        requests = requests == null ? List.of() : List.copyOf(requests);
    }

    /** A trained version (no receipt). */
    public SingleModelVersion(int version, String file, String sha256, String createdAt, Map<String, Double> metrics) {
        this(version, file, sha256, createdAt, metrics, List.of(), null);
    }

    /** A version made by an approximate method, with its receipt. */
    public SingleModelVersion(int version, String file, String sha256, String createdAt, Map<String, Double> metrics,
                              UnlearningReceipt unlearning) {
        this(version, file, sha256, createdAt, metrics, List.of(), unlearning);
    }

    @Override
    public SingleModelVersion rekeyed(UnaryOperator<String> rekey) {
        return new SingleModelVersion(version, file, sha256, createdAt, metrics, requests,
                unlearning == null ? null : unlearning.rekeyed(rekey));
    }

    @Override
    public SingleModelVersion withoutIdDigests() {
        return new SingleModelVersion(version, file, sha256, createdAt, metrics, requests,
                unlearning == null ? null : unlearning.withoutIdDigests());
    }
}
