package dev.lethe.torch.bench;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.RetrainPlan;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SISA cost benchmark (issue: exact unlearning): for one shards × slices configuration, the full
 * training time, ensemble accuracy and storage, then the time to serve deletions of random training
 * records — batched (one request) and one by one — each next to the cost model's prediction.
 *
 * <p>Cost model: retraining work in record-epochs ({@link RetrainPlan#cost}); predicted time = full
 * training time × (work of the deletion / work of the full training). Deletions run one after another
 * on the same store, each drawing records that are still there (seeded).
 */
public final class SisaBenchmark {

    private SisaBenchmark() {
    }

    /**
     * One deletion scenario.
     *
     * @param records records deleted
     * @param mode "batched" or "one-by-one"
     * @param seconds measured wall time (NaN when not run)
     * @param predictedSeconds the cost model's time
     * @param run whether it was run (one-by-one scenarios over the budget are only predicted)
     */
    public record Deletion(int records, String mode, double seconds, double predictedSeconds, boolean run) {
    }

    /**
     * The figures of one configuration.
     *
     * @param shards S
     * @param slices R
     * @param trainSeconds full SISA training
     * @param testAccuracy ensemble accuracy on the test set
     * @param storageBytes checkpoints + ingested data on disk
     * @param deletions the deletion scenarios
     */
    public record Figures(int shards, int slices, double trainSeconds, double testAccuracy, long storageBytes, List<Deletion> deletions) {
    }

    public static Figures run(DatasetRef.Loaded data, SisaConfig config, List<Integer> counts, double oneByOneBudgetSeconds,
                              Path scratch, long seed) throws IOException {
        Path dir = scratch.resolve("s" + config.plan().shards() + "-r" + config.plan().slices());
        SisaService.Outcome trained = SisaService.train(dir, data, config, Device.cpu(), TrainListener.NONE, e -> {
        });
        Store store = trained.store();
        long storage = size(store.checkpointsDir()) + size(store.dataDir());
        double fullCost = cost(store, config, null);
        ForgetService forget = new ForgetService(store, Device.cpu());
        Random random = new Random(seed);
        List<Deletion> deletions = new ArrayList<>();
        for (int k : counts) {
            List<String> ids = pick(store, k, random);
            double predicted = trained.seconds() * cost(store, config, ids) / fullCost;
            long t0 = System.nanoTime();
            forget.accept(new RequestSpec(ForgetKind.RECORDS, ids, "benchmark", null), "bench");
            forget.process();
            deletions.add(new Deletion(k, "batched", (System.nanoTime() - t0) / 1e9, predicted, true));
        }
        for (int k : counts) {
            List<String> ids = pick(store, k, random);
            double predicted = 0;
            for (String id : ids) {
                predicted += trained.seconds() * cost(store, config, List.of(id)) / fullCost;
            }
            if (predicted > oneByOneBudgetSeconds) {
                deletions.add(new Deletion(k, "one-by-one", Double.NaN, predicted, false));
                continue;
            }
            long t0 = System.nanoTime();
            for (String id : ids) {
                forget.accept(new RequestSpec(ForgetKind.RECORDS, List.of(id), "benchmark", null), "bench");
                forget.process();
            }
            deletions.add(new Deletion(k, "one-by-one", (System.nanoTime() - t0) / 1e9, predicted, true));
        }
        return new Figures(config.plan().shards(), config.plan().slices(), trained.seconds(), trained.test().accuracy(), storage, deletions);
    }

    /**
     * Serves {@code count} single-record deletions one after another on a store trained with
     * {@code config}, and returns each one's measured and predicted seconds: the repeated measurement
     * behind the "single deletion" figures, whose cost depends on the slice the record sits in.
     */
    public static List<Deletion> singles(DatasetRef.Loaded data, SisaConfig config, int count, Path scratch, long seed,
                                         double[] fullTrainSeconds) throws IOException {
        Path dir = scratch.resolve("singles-s" + config.plan().shards() + "-r" + config.plan().slices());
        SisaService.Outcome trained = SisaService.train(dir, data, config, Device.cpu(), TrainListener.NONE, e -> {
        });
        fullTrainSeconds[0] = trained.seconds();
        Store store = trained.store();
        double fullCost = cost(store, config, null);
        ForgetService forget = new ForgetService(store, Device.cpu());
        Random random = new Random(seed);
        List<Deletion> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> id = pick(store, 1, random);
            double predicted = trained.seconds() * cost(store, config, id) / fullCost;
            long t0 = System.nanoTime();
            forget.accept(new RequestSpec(ForgetKind.RECORDS, id, "benchmark", null), "bench");
            forget.process();
            out.add(new Deletion(1, "single", (System.nanoTime() - t0) / 1e9, predicted, true));
        }
        return out;
    }

    /** Record-epochs to retrain for forgetting {@code ids} (all records when null) from the store as it is now. */
    private static double cost(Store store, SisaConfig config, List<String> ids) throws IOException {
        StoreManifest manifest = store.readManifest();
        List<TrainingDataFile.Metadata> shards = ShardFiles.metadata(store, manifest);
        double total = 0;
        for (int s = 0; s < shards.size(); s++) {
            Lineage lineage = ShardFiles.shardLineage(config.plan(), s, shards.get(s).ids(), shards.get(s).slices());
            Map<Integer, Integer> from = new TreeMap<>();
            if (ids == null) {
                from.put(s, 0);
            } else {
                List<Integer> positions = new ArrayList<>();
                for (String id : ids) {
                    lineage.position(id).ifPresent(positions::add);
                }
                from.putAll(RetrainPlan.of(lineage, positions).fromSlice());
            }
            total += RetrainPlan.cost(lineage, from, config.train().epochs());
        }
        return total;
    }

    /** {@code k} random training record ids still in the store. */
    private static List<String> pick(Store store, int k, Random random) throws IOException {
        List<String> all = new ArrayList<>();
        for (TrainingDataFile.Metadata m : ShardFiles.metadata(store, store.readManifest())) {
            all.addAll(m.ids());
        }
        Collections.sort(all);
        Collections.shuffle(all, random);
        return List.copyOf(all.subList(0, k));
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            long total = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    /** A row of figures as JSON-ready data. */
    public static Map<String, Object> toMap(Figures f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shards", f.shards());
        m.put("slices", f.slices());
        m.put("trainSeconds", f.trainSeconds());
        m.put("testAccuracy", f.testAccuracy());
        m.put("storageBytes", f.storageBytes());
        m.put("deletions", f.deletions());
        return m;
    }
}
