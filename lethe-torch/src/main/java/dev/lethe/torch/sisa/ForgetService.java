package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.RetrainPlan;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Exact forgetting in a SISA store (DESIGN.md §2, §6).
 *
 * <p>{@link #accept} validates a request and makes it durable in the ledger before anyone is told it
 * was accepted. {@link #process} takes every pending request as one batch:
 * <ol>
 *   <li>match the requests against the ingested records;</li>
 *   <li>retrain each affected shard once, from the checkpoint before its first dirty slice, on the
 *       remaining records (checkpoints already stored under the same key are reused, which is how
 *       a killed run resumes with the same result);</li>
 *   <li>write the remaining records to new data files;</li>
 *   <li>switch: replace the manifest atomically with one whose current version names the new
 *       checkpoints, data files and tombstones — the only step that changes what is served;</li>
 *   <li>purge: delete every data file and checkpoint that the current data no longer justifies
 *       (their digests cover forgotten records);</li>
 *   <li>mark each request done in the ledger with its {@link Receipt}.</li>
 * </ol>
 * A process killed at any point is finished by the next call: before the switch the batch is redone
 * (deterministically, reusing what was stored); after it, only purge and receipts remain.
 */
public final class ForgetService {

    private final Store store;
    private final Device device;
    private TrainListener listener = TrainListener.NONE;
    private Consumer<SliceEvent> onSlice = e -> {
    };

    public ForgetService(Store store, Device device) {
        this.store = store;
        this.device = device;
    }

    public ForgetService listener(TrainListener newListener) {
        this.listener = newListener;
        return this;
    }

    public ForgetService onSlice(Consumer<SliceEvent> callback) {
        this.onSlice = callback;
        return this;
    }

    /**
     * Validates {@code spec} against the store and records it durably. A label must name one of the
     * store's classes (by name or index); record and subject ids must be printable. Nothing is written
     * for a rejected request.
     */
    public ForgetRequest accept(RequestSpec spec, String principal) {
        StoreManifest manifest = store.readManifest();
        SisaService.config(manifest);
        RequestSpec checked = spec;
        if (spec.kind() == ForgetKind.LABEL) {
            checked = new RequestSpec(spec.kind(), List.of(resolveLabel(spec.values().get(0), manifest.dataset().classNames())),
                    spec.reason(), spec.idempotencyKey());
        }
        for (String v : checked.values()) {
            if (v.length() > 256 || v.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("malformed id '" + v.replaceAll("\\p{Cntrl}", "?")
                        + "': ids are at most 256 printable characters");
            }
        }
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            return ledger.accept(checked, principal);
        }
    }

    private static String resolveLabel(String value, List<String> classNames) {
        if (classNames.contains(value)) {
            return value;
        }
        try {
            int index = Integer.parseInt(value);
            if (index >= 0 && index < classNames.size()) {
                return classNames.get(index);
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw new IllegalArgumentException("label '" + value + "' is not a class of this store; classes: " + classNames);
    }

    /** Processes every pending request (see the class comment); returns their receipts. */
    public List<Receipt> process() throws IOException {
        StoreManifest manifest = store.readManifest();
        SisaConfig config = SisaService.config(manifest);
        List<Receipt> receipts = new ArrayList<>();
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            List<ForgetRequest> pending = ledger.pending();
            Set<String> applied = new HashSet<>(manifest.current().requests());
            List<ForgetRequest> switched = pending.stream().filter(r -> applied.contains(r.id())).toList();
            if (!switched.isEmpty()) {
                purge(manifest, config, ledger);
                receipts.addAll(complete(switched, manifest, ledger));
            }
            List<ForgetRequest> batch = pending.stream().filter(r -> !applied.contains(r.id())).toList();
            if (!batch.isEmpty()) {
                StoreManifest next = apply(batch, manifest, config, ledger);
                purge(next, config, ledger);
                CrashPoints.reach("after-purge");
                receipts.addAll(complete(batch, next, ledger));
            }
        }
        return receipts;
    }

    private StoreManifest apply(List<ForgetRequest> batch, StoreManifest manifest, SisaConfig config, Ledger ledger) throws IOException {
        long start = System.nanoTime();
        int version = manifest.currentVersion() + 1;
        String batchId = "batch-v" + version;
        ledger.markRunning(batch.stream().map(ForgetRequest::id).toList(), batchId);
        TrainingDataFile.Content[] data = SisaService.loadData(store);
        RecordSet train = data[0].records();
        RecordSet test = data[1].records();
        Lineage lineage = data[0].lineage(config.plan());

        Set<Integer> forgottenTrain = new TreeSet<>();
        Set<Integer> forgottenTest = new TreeSet<>();
        Map<String, StoreManifest.Match> matched = new LinkedHashMap<>();
        for (ForgetRequest r : batch) {
            Set<Integer> tr = match(r, train);
            Set<Integer> te = r.kind() == ForgetKind.LABEL ? Set.of() : match(r, test);
            forgottenTrain.addAll(tr);
            forgottenTest.addAll(te);
            List<String> ids = new ArrayList<>();
            tr.forEach(i -> ids.add(train.id(i)));
            te.forEach(i -> ids.add(test.id(i)));
            List<Integer> shards = tr.stream().map(i -> lineage.placement(i).shard()).distinct().sorted().toList();
            matched.put(r.id(), new StoreManifest.Match(tr.size(), te.size(), digest(ids), shards));
        }

        RetrainPlan plan = RetrainPlan.of(lineage, forgottenTrain);
        RecordSet remaining = train.filter(train.name(), i -> !forgottenTrain.contains(i));
        RecordSet remainingTest = test.filter(test.name(), i -> !forgottenTest.contains(i));
        Lineage remainingLineage = lineage.without(forgottenTrain);
        FileCheckpointStore checkpoints = new FileCheckpointStore(store.checkpointsDir());
        SisaTrainer trainer = new SisaTrainer(config, checkpoints, device).listener(listener).onSlice(e -> {
            onSlice.accept(e);
            CrashPoints.reach("mid-retrain");
        });
        List<CheckpointKey> keys = new ArrayList<>(SisaService.currentKeys(manifest));
        List<StoreManifest.ShardRetrain> retrained = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : plan.fromSlice().entrySet()) {
            long shardStart = System.nanoTime();
            CheckpointKey before = keys.get(e.getKey());
            CheckpointKey after = trainer.trainShard(remaining, remainingLineage, e.getKey(), e.getValue());
            keys.set(e.getKey(), after);
            retrained.add(new StoreManifest.ShardRetrain(e.getKey(), e.getValue(), before.relativePath(), after.relativePath(),
                    (System.nanoTime() - shardStart) / 1e9));
        }

        String trainFile = "data/train-v" + version + ".bin";
        String testFile = "data/test-v" + version + ".bin";
        TrainingDataFile.write(store.root().resolve(trainFile), remaining, remainingLineage);
        TrainingDataFile.write(store.root().resolve(testFile), remainingTest, null);
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (SisaEnsemble ensemble = SisaEnsemble.load(checkpoints, keys, config.aggregation(), device)) {
            Evaluation eval = ensemble.evaluate(remainingTest);
            metrics.put("testAccuracy", eval.accuracy());
        }
        metrics.put("retrainSeconds", (System.nanoTime() - start) / 1e9);
        TreeSet<String> tombstones = new TreeSet<>(manifest.tombstones());
        forgottenTrain.forEach(i -> tombstones.add(sha256(train.id(i))));
        forgottenTest.forEach(i -> tombstones.add(sha256(test.id(i))));
        StoreManifest.ModelVersion next = new StoreManifest.ModelVersion(version, null, null, Instant.now().toString(), metrics,
                keys.stream().map(CheckpointKey::relativePath).toList(), SisaService.sha256s(checkpoints, keys),
                batch.stream().map(ForgetRequest::id).toList(), retrained, matched);
        StoreManifest switched = manifest.withNewVersion(next,
                new StoreManifest.DataFiles(trainFile, Store.sha256(store.root().resolve(trainFile)),
                        testFile, Store.sha256(store.root().resolve(testFile))),
                List.copyOf(tombstones));
        CrashPoints.reach("before-switch");
        store.writeManifest(switched);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", version);
        payload.put("requests", next.requests());
        payload.put("checkpoints", next.checkpoints());
        ledger.append("model.switched", null, Ledger.SYSTEM_PRINCIPAL, payload);
        CrashPoints.reach("after-switch");
        return switched;
    }

    /** Positions of {@code set} that request {@code r} names. */
    private static Set<Integer> match(ForgetRequest r, RecordSet set) {
        Set<String> values = new HashSet<>(r.values());
        Set<Integer> out = new TreeSet<>();
        int label = r.kind() == ForgetKind.LABEL ? set.classNames().indexOf(r.values().get(0)) : -1;
        for (int i = 0; i < set.size(); i++) {
            boolean hit = switch (r.kind()) {
                case RECORDS -> values.contains(set.id(i));
                case SUBJECTS -> set.subject(i) != null && values.contains(set.subject(i));
                case LABEL -> set.label(i) == label;
            };
            if (hit) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Deletes what the current data no longer justifies: data files other than the current ones, and
     * every checkpoint whose key is not the key of some (shard, slice) under the current records.
     */
    private void purge(StoreManifest manifest, SisaConfig config, Ledger ledger) throws IOException {
        int deletedFiles = 0;
        Set<Path> keep = Set.of(store.root().resolve(manifest.dataFiles().train()), store.root().resolve(manifest.dataFiles().test()));
        if (Files.isDirectory(store.dataDir())) {
            try (Stream<Path> files = Files.list(store.dataDir())) {
                for (Path p : files.toList()) {
                    if (!keep.contains(p)) {
                        Files.delete(p);
                        deletedFiles++;
                    }
                }
            }
        }
        FileCheckpointStore checkpoints = new FileCheckpointStore(store.checkpointsDir());
        Set<CheckpointKey> valid = validKeys(store, manifest, config);
        int deletedCheckpoints = 0;
        for (CheckpointKey key : checkpoints.keys()) {
            if (!valid.contains(key)) {
                checkpoints.delete(key);
                deletedCheckpoints++;
            }
        }
        for (Path stray : checkpoints.strayFiles()) {
            Files.delete(stray);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", manifest.currentVersion());
        payload.put("deletedDataFiles", deletedFiles);
        payload.put("deletedCheckpoints", deletedCheckpoints);
        ledger.append("store.purged", null, Ledger.SYSTEM_PRINCIPAL, payload);
    }

    /** The checkpoint keys that the store's current records justify: one per (shard, slice). */
    static Set<CheckpointKey> validKeys(Store store, StoreManifest manifest, SisaConfig config) throws IOException {
        Lineage lineage = TrainingDataFile.read(store.root().resolve(manifest.dataFiles().train())).lineage(config.plan());
        Set<CheckpointKey> valid = new HashSet<>();
        for (int s = 0; s < config.plan().shards(); s++) {
            for (int k = 0; k < config.plan().slices(); k++) {
                valid.add(lineage.checkpointKey(s, k, config.fingerprint()));
            }
        }
        return valid;
    }

    private static List<Receipt> complete(List<ForgetRequest> requests, StoreManifest manifest, Ledger ledger) {
        StoreManifest.ModelVersion version = manifest.current();
        List<Receipt> receipts = new ArrayList<>();
        for (ForgetRequest r : requests) {
            StoreManifest.Match m = version.matched().get(r.id());
            List<StoreManifest.ShardRetrain> mine = version.retrained().stream().filter(x -> m.shards().contains(x.shard())).toList();
            Receipt receipt = new Receipt(r.id(), r.kind().name().toLowerCase(java.util.Locale.ROOT), m.trainRecords(), m.testRecords(),
                    m.digest(), mine, manifest.sisa().slices(), version.version(), "batch-v" + version.version(),
                    version.requests().size(), version.metrics().getOrDefault("retrainSeconds", Double.NaN), "exact");
            ledger.complete(r.id(), Store.compactJson(receipt));
            receipts.add(receipt);
        }
        return receipts;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String digest(List<String> ids) {
        return sha256(String.join("\n", new TreeSet<>(ids)));
    }
}
