package dev.lethe.core.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A version of a SISA store: one final checkpoint per shard, each verified against its digest when loaded.
 *
 * @param version 1, 2, ...
 * @param createdAt ISO-8601 instant
 * @param metrics headline metrics (test accuracy and train seconds; retrain seconds after a forget batch)
 * @param checkpoints each shard's final checkpoint, relative to {@code checkpoints/}, in shard order
 * @param checkpointSha256 SHA-256 of each of those files
 * @param requests the forget requests this version applied (empty for the first)
 * @param retrained what this version retrained (shard, from slice, keys before and after); null for the first
 * @param matched request id → records it matched (count and digest, never the ids); null for the first, and in the
 *                history, which keeps no digests of ids
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "createdAt", "metrics", "checkpoints", "checkpointSha256", "requests", "retrained", "matched"})
public record SisaModelVersion(int version, String createdAt, Map<String, Double> metrics, List<String> checkpoints,
                               List<String> checkpointSha256, List<String> requests, List<StoreManifest.ShardRetrain> retrained,
                               Map<String, StoreManifest.Match> matched) implements StoreManifest.ModelVersion {

    public SisaModelVersion {
        requests = requests == null ? List.of() : List.copyOf(requests);
    }

    @Override
    public SisaModelVersion rekeyed(UnaryOperator<String> rekey) {
        Map<String, StoreManifest.Match> m = null;
        if (matched != null) {
            m = new LinkedHashMap<>();
            for (Map.Entry<String, StoreManifest.Match> e : matched.entrySet()) {
                StoreManifest.Match x = e.getValue();
                m.put(e.getKey(), new StoreManifest.Match(x.trainRecords(), x.testRecords(), rekey.apply(x.digest()), x.shards()));
            }
        }
        return new SisaModelVersion(version, createdAt, metrics, checkpoints, checkpointSha256, requests, retrained, m);
    }

    @Override
    public SisaModelVersion withoutIdDigests() {
        return new SisaModelVersion(version, createdAt, metrics, checkpoints, checkpointSha256, requests, retrained, null);
    }
}
