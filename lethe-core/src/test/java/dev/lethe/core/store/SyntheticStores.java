package dev.lethe.core.store;

import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Manifests of stores that served many requests, generated without running them: one SISA version per request, each
 * with its checkpoints, retraining and matched digest, and one tombstone per request, as {@code ForgetService} writes
 * them. For {@link ManifestHistoryTest} and {@link ManifestOpenBenchmark}.
 */
final class SyntheticStores {

    /** Shards of the stores the benchmark generates. */
    static final int SHARDS = 4;

    private SyntheticStores() {
    }

    /** A manifest of a {@value #SHARDS}-shard store after {@code requests} one-request forget batches (version 1 is the training). */
    static StoreManifest afterRequests(int requests) {
        return afterRequests(requests, SHARDS);
    }

    /** {@link #afterRequests(int)} for a store of {@code shards} shards (fewer: smaller versions, a faster test). */
    static StoreManifest afterRequests(int requests, int shards) {
        String now = Instant.parse("2026-12-05T08:00:00Z").toString();
        List<StoreManifest.ModelVersion> versions = new ArrayList<>(requests + 1);
        versions.add(version(1, List.of(), null, now, shards));
        List<String> tombstones = new ArrayList<>(requests);
        for (int r = 1; r <= requests; r++) {
            String request = String.format("req-%012x", r);
            String digest = DigestUtils.sha256Hex("synthetic-" + r);
            tombstones.add(digest);
            versions.add(version(r + 1, List.of(request), Map.of(request, new StoreManifest.Match(1, 0, digest, List.of(r % shards))), now,
                    shards));
        }
        tombstones.sort(null);
        return new StoreManifest(Store.SCHEMA_VERSION, now, Map.of("lethe", "test"), null, null,
                new TrainingSettings(2, 64, "adam", 0.001f, 0f, 0f, 1L, 1, "cpu()"),
                requests + 1, versions, new StoreManifest.SisaInfo(shards, 3, "subject", 2, "vote", "f".repeat(64), 1L),
                null, tombstones, "a".repeat(64), "k-0123456789abcdef", null);
    }

    private static SisaModelVersion version(int v, List<String> requests, Map<String, StoreManifest.Match> matched, String now,
                                                      int shards) {
        List<String> checkpoints = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            checkpoints.add(String.format("shard-%03d/slice-002-%s.ckpt", s, DigestUtils.sha256Hex(v + "/" + s)));
            shas.add(DigestUtils.sha256Hex("sha" + v + "/" + s));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("retrainSeconds", 0.25);
        List<StoreManifest.ShardRetrain> retrained = requests.isEmpty() ? null
                : List.of(new StoreManifest.ShardRetrain(v % shards, 1, checkpoints.get(0), checkpoints.get(checkpoints.size() - 1), 0.25));
        return new SisaModelVersion(v, now, metrics, checkpoints, shas, requests, retrained, matched);
    }

    /** Writes {@code manifest} as Lethe wrote it before compaction: every version in manifest.json. */
    static void writeUncompacted(Path root, StoreManifest manifest) throws IOException {
        AtomicFiles.write(root.resolve("manifest.json"), Store.json().writeValueAsBytes(manifest));
    }
}
