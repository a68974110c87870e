package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lethe repair}: recomputes a SISA store's damaged or missing checkpoints bit for bit, which only exact
 * unlearning can offer. A checkpoint is a pure function of the records of its shard's slices 0..k, the seed and
 * the configuration (docs/ARCHITECTURE.md#exact-unlearning-sisa), and the store keeps those records: each damaged shard is retrained through
 * the same {@link ShardExecutor} from its first damaged slice, starting from the intact checkpoint before it and
 * reusing the intact ones after it. Every recomputed checkpoint must have exactly the digest the manifest
 * recorded ({@link VerifiedCheckpointStore} refuses to write anything else), so a repair never changes what a
 * store serves; it needs the thread count the store was trained with (the caller starts the engine with it).
 */
public final class RepairService {

    private RepairService() {
    }

    /**
     * One recomputed checkpoint.
     *
     * @param shard its shard
     * @param slice its slice
     * @param file its path relative to the store
     * @param problem what was wrong with it: "missing" or "damaged"
     * @param sha256 its digest now (the manifest's)
     */
    public record Repaired(int shard, int slice, String file, String problem, String sha256) {
    }

    /**
     * What a repair did.
     *
     * @param checked checkpoints verified
     * @param repaired those recomputed
     * @param shardSeconds wall time of each retrained shard's recomputation, by shard
     */
    public record Outcome(int checked, List<Repaired> repaired, Map<Integer, Double> shardSeconds) {
    }

    /** Verifies every checkpoint of {@code store} and recomputes the damaged or missing ones (recorded in its {@code ledger.db}). */
    public static Outcome repair(Store store, Device device, TrainListener listener) throws IOException {
        return repair(store, device, listener, null);
    }

    /**
     * {@link #repair(Store, Device, TrainListener)} recording the repair in {@code ledger} (the PostgreSQL ledger a server
     * uses); null for the store's own {@code ledger.db}.
     */
    public static Outcome repair(Store store, Device device, TrainListener listener, Ledger ledger) throws IOException {
        return repair(ShardStorage.of(store), ShardExecutors.local(), device, listener, ledger);
    }

    /**
     * {@link #repair(Store, Device, TrainListener, Ledger)} on the checkpoints and data files of {@code storage}, each
     * damaged shard recomputed by {@code executor} as one job from its first damaged slice.
     */
    public static Outcome repair(ShardStorage storage, ShardExecutor executor, Device device, TrainListener listener, Ledger ledger)
            throws IOException {
        Store store = storage.store();
        try (StoreLock lock = StoreLock.acquire(store)) {
            StoreManifest manifest = store.readManifest();
            SisaConfig config = SisaService.config(store);
            requireIntactData(store, manifest);
            VerifiedCheckpointStore checkpoints = storage.checkpoints(manifest);
            List<ShardJob> jobs = new ArrayList<>();
            List<Map<CheckpointKey, String>> brokenByJob = new ArrayList<>();
            int checked = 0;
            for (int s = 0; s < manifest.dataFiles().shards().size(); s++) {
                String file = manifest.dataFiles().shards().get(s);
                TrainingDataFile.Metadata shard = storage.data().metadata(file);
                Lineage lineage = ShardFiles.shardLineage(config.plan(), s, shard.ids(), shard.slices());
                List<CheckpointKey> keys = ShardFiles.shardKeys(lineage, s, config.fingerprint());
                Map<CheckpointKey, String> broken = new LinkedHashMap<>();
                for (CheckpointKey key : keys) {
                    checked++;
                    boolean present = checkpoints.files().contains(key);
                    if (!present || (checkpoints.knownDigest(key).isPresent() && !checkpoints.isIntact(key))) {
                        broken.put(key, present ? "damaged" : "missing");
                    }
                }
                if (broken.isEmpty()) {
                    continue;
                }
                for (CheckpointKey key : broken.keySet()) {
                    checkpoints.files().delete(key); // its bytes are wrong; the recomputation writes the right ones
                }
                int from = broken.keySet().stream().mapToInt(CheckpointKey::slice).min().orElseThrow();
                jobs.add(new ShardJob(s, from, file, lineage, config.fingerprint()));
                brokenByJob.add(broken);
            }
            List<ShardResult> results = ShardExecutors.run(executor, jobs,
                    new ShardContext(config, device, checkpoints, storage.data(), listener, e -> {
                    }));
            List<Repaired> repaired = new ArrayList<>();
            Map<Integer, Double> seconds = new LinkedHashMap<>();
            for (int i = 0; i < jobs.size(); i++) {
                int s = jobs.get(i).shard();
                seconds.put(s, results.get(i).seconds());
                for (Map.Entry<CheckpointKey, String> b : brokenByJob.get(i).entrySet()) {
                    CheckpointKey key = b.getKey();
                    String sha = checkpoints.sha256(key);
                    if (checkpoints.knownDigest(key).filter(sha::equals).isEmpty()) {
                        throw new StoreException("recomputed checkpoint checkpoints/" + key.relativePath() + " does not match the manifest");
                    }
                    repaired.add(new Repaired(s, key.slice(), "checkpoints/" + key.relativePath(), b.getValue(), sha));
                }
            }
            if (!repaired.isEmpty()) {
                record(store, ledger, repaired);
            }
            return new Outcome(checked, repaired, seconds);
        }
    }

    /** The data files are what checkpoints are recomputed from: they must be the ones the manifest recorded. */
    private static void requireIntactData(Store store, StoreManifest manifest) throws IOException {
        StoreManifest.DataFiles files = manifest.dataFiles();
        for (int i = 0; i < files.all().size(); i++) {
            Path p = store.root().resolve(files.all().get(i));
            if (!Files.isRegularFile(p) || !Store.sha256(p).equals(files.allSha256().get(i))) {
                throw new StoreException("cannot repair: the data file " + files.all().get(i) + " is missing or does not match the"
                        + " manifest, and checkpoints are recomputed from it; restore the store from a backup");
            }
        }
    }

    private static void record(Store store, Ledger external, List<Repaired> repaired) throws IOException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("checkpoints", repaired.stream().map(Repaired::file).toList());
        payload.put("sha256", repaired.stream().map(Repaired::sha256).toList());
        if (external != null) {
            external.append("store.repaired", null, SisaService.LOCAL_PRINCIPAL, payload);
            return;
        }
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            ledger.append("store.repaired", null, SisaService.LOCAL_PRINCIPAL, payload);
        }
    }
}
