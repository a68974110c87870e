package dev.lethe.torch.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.sisa.RepairService;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What checkpoint integrity costs (issue 19): loading a SISA store's served ensemble with every checkpoint's
 * SHA-256 verified against the manifest, against the same load unverified (runs interleaved, medians); and
 * {@code lethe repair} of one whole shard (every slice's checkpoint deleted, then recomputed bit for bit) on a
 * scratch copy, against the time that shard took to train originally (from the store's training report).
 */
public final class CheckpointBenchmark {

    private CheckpointBenchmark() {
    }

    /**
     * The figures.
     *
     * @param checkpoints final checkpoints loaded per ensemble load
     * @param megabytes their total size
     * @param verifiedMs median time of a verified load, and each run
     * @param unverifiedMs median time of an unverified load, and each run
     * @param shard the shard repaired
     * @param repairSeconds wall time of the whole repair: verifying every data file and checkpoint of the store, then
     *                      recomputing the shard
     * @param recomputeSeconds of which recomputing the shard (reading its data, retraining every slice, writing)
     * @param trainSeconds the time its slices took in the original training
     */
    public record Figures(int checkpoints, double megabytes, double verifiedMedianMs, double[] verifiedMs,
                          double unverifiedMedianMs, double[] unverifiedMs, int shard, int slicesRepaired, double repairSeconds,
                          double recomputeSeconds, double trainSeconds) {
    }

    /** Runs the benchmark on {@code storeDir} (not changed: the repair runs on a copy under {@code scratch}). */
    public static Figures run(Path storeDir, Path scratch, int runs, int shard, Device device) throws IOException {
        Store store = Store.open(storeDir);
        StoreManifest manifest = store.readManifest();
        SisaConfig config = SisaService.config(manifest);
        List<CheckpointKey> keys = SisaService.currentKeys(manifest);
        FileCheckpointStore plain = FileCheckpointStore.of(store);
        long bytes = 0;
        for (CheckpointKey k : keys) {
            bytes += Files.size(plain.file(k));
        }
        double[] verified = new double[runs];
        double[] unverified = new double[runs];
        load(VerifiedCheckpointStore.of(store, manifest), keys, config, device); // warm-up
        load(plain, keys, config, device);
        for (int i = 0; i < runs; i++) {
            verified[i] = load(VerifiedCheckpointStore.of(store, manifest), keys, config, device);
            unverified[i] = load(plain, keys, config, device);
        }

        Store copy = store.copyTo(scratch);
        List<String> gone = new ArrayList<>();
        for (String path : copy.readManifest().checkpointDigests().keySet()) {
            if (path.startsWith(String.format(java.util.Locale.ROOT, "shard-%03d/", shard))) {
                Files.delete(copy.checkpointsDir().resolve(path));
                gone.add(path);
            }
        }
        long start = System.nanoTime();
        RepairService.Outcome repaired = RepairService.repair(copy, device, TrainListener.NONE);
        double repairSeconds = (System.nanoTime() - start) / 1e9;
        if (repaired.repaired().size() != gone.size()) {
            throw new IllegalStateException("repair recomputed " + repaired.repaired().size() + " of " + gone.size() + " checkpoints");
        }
        return new Figures(keys.size(), bytes / 1e6, median(verified), verified, median(unverified), unverified, shard, gone.size(),
                repairSeconds, repaired.shardSeconds().get(shard), originalTrainSeconds(store, shard));
    }

    private static double load(dev.lethe.core.sisa.CheckpointStore checkpoints, List<CheckpointKey> keys, SisaConfig config, Device device)
            throws IOException {
        long start = System.nanoTime();
        try (SisaEnsemble ensemble = SisaEnsemble.load(checkpoints, keys, config.aggregation(), device)) {
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** The seconds shard {@code shard}'s slices took in the store's first training ({@code reports/train-v1.json}). */
    private static double originalTrainSeconds(Store store, int shard) throws IOException {
        JsonNode slices = Store.json().readTree(store.reportsDir().resolve("train-v1.json").toFile()).get("slices");
        double total = 0;
        for (JsonNode e : slices) {
            if (e.at("/key/shard").asInt() == shard) {
                total += e.get("seconds").asDouble();
            }
        }
        return total;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
