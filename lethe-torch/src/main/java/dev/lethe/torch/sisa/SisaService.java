package dev.lethe.torch.sisa;

import dev.lethe.torch.service.TorchScriptTemplates;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.store.ErasureHistory;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.TaskMetrics;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SISA in a store: trains the ensemble into a new store (ingested data with placement, checkpoints,
 * ledger, manifest), and reads back what a SISA store serves. {@link ForgetService} changes it.
 */
public final class SisaService {

    /** Principal recorded for work the command line does on its own behalf. */
    public static final String LOCAL_PRINCIPAL = "local:" + System.getProperty("user.name", "unknown");

    private SisaService() {
    }

    /**
     * What a SISA training produced.
     *
     * @param store the store
     * @param manifest its manifest
     * @param test a classifier ensemble's accuracy and confusion on the held-out records; null for a language model
     * @param seconds wall time of the shard training
     * @param slices every slice, in order
     * @param testMetrics the task's metrics of the ensemble on the held-out records (for a classifier, its accuracy; for a
     *                    language model, token loss and perplexity of the mean of the shards' distributions)
     */
    public record Outcome(Store store, StoreManifest manifest, Evaluation test, double seconds, List<SliceEvent> slices,
                          TaskMetrics testMetrics) {
    }

    /** Trains a SISA ensemble on {@code data} into a new store at {@code storeDir} (refusing to replace one with erasure history). */
    public static Outcome train(Path storeDir, DatasetRef.Loaded data, SisaConfig config, Device device, TrainListener listener,
                                Consumer<SliceEvent> onSlice) throws IOException {
        return train(storeDir, data, config, false, device, listener, onSlice);
    }

    /**
     * Trains a SISA ensemble on {@code source} into a store at {@code storeDir}. A store there with erasure
     * history is replaced only when {@code replace} is set ({@link ErasureHistory}); its tombstones carry
     * over, and the records they cover are left out at ingest, so none of them reaches a data file or a
     * checkpoint of the new store.
     */
    public static Outcome train(Path storeDir, DatasetRef.Loaded source, SisaConfig config, boolean replace, Device device,
                                TrainListener listener, Consumer<SliceEvent> onSlice) throws IOException {
        return train(storeDir, source, config, replace, ShardExecutors.local(), device, listener, onSlice);
    }

    /**
     * {@link #train(Path, DatasetRef.Loaded, SisaConfig, boolean, Device, TrainListener, Consumer)} with the shards
     * trained by {@code executor}: one job per shard from slice 0, on the data files just written.
     */
    public static Outcome train(Path storeDir, DatasetRef.Loaded source, SisaConfig config, boolean replace, ShardExecutor executor,
                                Device device, TrainListener listener, Consumer<SliceEvent> onSlice) throws IOException {
        return train(storeDir, source, config, replace, executor, null, device, listener, onSlice);
    }

    /**
     * {@link #train(Path, DatasetRef.Loaded, SisaConfig, boolean, ShardExecutor, Device, TrainListener, Consumer)} for
     * records of any task: {@code tokenizer} is the one that turned a language model's text into the records' token ids
     * (the store records its name, which is how it turns a prompt into ids later); null for a classifier's records.
     */
    public static Outcome train(Path storeDir, DatasetRef.Loaded source, SisaConfig config, boolean replace, ShardExecutor executor,
                                Tokenizer tokenizer, Device device, TrainListener listener, Consumer<SliceEvent> onSlice) throws IOException {
        checkTokenizer(source.train(), config, tokenizer);
        // the lock of a store being replaced is held from reading its history to the new manifest
        try (StoreLock lock = StoreLock.ifStore(storeDir)) {
            return trainLocked(storeDir, source, config, replace, executor, tokenizer, device, listener, onSlice);
        }
    }

    /**
     * Token data comes with the tokenizer its ids came from, over the model's vocabulary, and mixes its shards' distributions;
     * a classifier's data comes with no tokenizer.
     */
    private static void checkTokenizer(RecordSet train, SisaConfig config, Tokenizer tokenizer) {
        boolean tokens = train.content() instanceof TokenSequences;
        if (tokens && tokenizer == null) {
            throw new IllegalArgumentException(train.name() + " holds token sequences: name the tokenizer their ids came from"
                    + " (e.g. '" + ByteTokenizer.NAME + "'), so the store can turn prompts into ids");
        }
        if (!tokens && tokenizer != null) {
            throw new IllegalArgumentException(train.name() + " holds " + train.content().describe() + ", not token sequences:"
                    + " a tokenizer applies to a language model's text only");
        }
        if (tokens && config.aggregation() != Aggregation.MEAN_SOFTMAX) {
            throw new IllegalArgumentException("a language model's shards are combined by the mean of their next-token"
                    + " distributions, not by a vote: use the softmax aggregation (--aggregation softmax)");
        }
        if (tokens && tokenizer.vocabularySize() != config.model().numClasses()) {
            throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' has " + tokenizer.vocabularySize()
                    + " token ids but model " + config.model().name() + " predicts " + config.model().numClasses()
                    + ": give the model the tokenizer's vocabulary size");
        }
    }

    private static Outcome trainLocked(Path storeDir, DatasetRef.Loaded source, SisaConfig config, boolean replace, ShardExecutor executor,
                                       Tokenizer tokenizer, Device device, TrainListener listener, Consumer<SliceEvent> onSlice)
            throws IOException {
        ErasureHistory history = ErasureHistory.read(storeDir);
        history.checkReplace(storeDir, replace);
        DatasetRef.Loaded data = history.tombstones().exclude(source);
        Store store = Store.create(storeDir);
        StoreManifest.StoredFile graph = TorchScriptTemplates.keep(store, config.model(), config.train().seed()); // a user's architecture, for shards retrained later
        RecordSet train = data.train();
        Lineage lineage = config.plan().place(train);
        StoreManifest.DataFiles dataFiles = ShardFiles.writeAll(store, train, lineage, data.test(), 1);

        ShardStorage storage = ShardStorage.of(store);
        VerifiedCheckpointStore checkpoints = storage.freshCheckpoints();
        long start = System.nanoTime();
        List<ShardResult> results = ShardExecutors.run(executor, ShardJob.wholeTraining(lineage, dataFiles.shards(), config.fingerprint()),
                new ShardContext(config, device, checkpoints, storage.data(), listener, onSlice));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<CheckpointKey> keys = results.stream().map(ShardResult::finalKey).toList();
        List<SliceEvent> events = results.stream().flatMap(r -> r.slices().stream()).toList();

        // the task decides what the held-out records say: a classifier's accuracy under its aggregation, as always;
        // a language model's token loss and perplexity of the mean of its shards' distributions
        boolean classifier = tokenizer == null;
        Evaluation test = null;
        TaskMetrics testMetrics;
        long parameters;
        try (SisaEnsemble ensemble = SisaEnsemble.load(checkpoints, keys, config.aggregation(), device)) {
            if (classifier) {
                test = ensemble.evaluate(data.test());
                testMetrics = new TaskMetrics(ClassificationTask.INSTANCE.name(), data.test().name(), data.test().size(),
                        Map.of("accuracy", test.accuracy()));
            } else {
                testMetrics = ensemble.metrics(data.test());
            }
            parameters = ensemble.shards().get(0).parameterCount() * keys.size();
        }
        String now = Instant.now().toString();
        Map<String, Double> metrics = new LinkedHashMap<>(testMetrics.recorded("test"));
        metrics.put("trainSeconds", seconds);
        SisaModelVersion first = new SisaModelVersion(1, now, metrics,
                keys.stream().map(CheckpointKey::relativePath).toList(), keys.stream().map(k -> checkpoints.knownDigest(k).orElseThrow()).toList(), List.of(), null, null);
        ShardPlan plan = config.plan();
        StoreManifest manifest = new StoreManifest(Store.SCHEMA_VERSION, now, TrainService.versions(TorchRuntime.engine()),
                new StoreManifest.DatasetInfo(data.ref(), data.fingerprint(), train.size(), data.test().size(),
                        classifier ? train.classNames() : List.of(), classifier ? null : tokenizer.name(), classifier ? data.encoding() : null),
                new StoreManifest.ModelInfo(config.model().name(), config.model().inputShape(), config.model().numClasses(), parameters).withGraph(graph),
                TrainService.trainingConfig(config.train(), device).withCarriedTombstones(history.tombstones().size()), 1, List.of(first),
                new StoreManifest.SisaInfo(plan.shards(), plan.slices(), plan.assignment().name().toLowerCase(Locale.ROOT),
                        config.train().epochs(), config.aggregation().name().toLowerCase(Locale.ROOT), config.fingerprint(), plan.seed()),
                dataFiles, history.tombstones().sorted(), null, history.digestKey(), null);
        List<CheckpointKey> every = new ArrayList<>();
        for (int s = 0; s < plan.shards(); s++) {
            every.addAll(ShardFiles.shardKeys(lineage, s, config.fingerprint()));
        }
        manifest = manifest.withCheckpointDigests(checkpoints.digests(every));
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("version", 1);
            payload.put("fingerprint", data.fingerprint());
            payload.put("checkpoints", first.checkpoints());
            if (!history.isEmpty()) {
                // what the replacement dropped (counts only) and what it kept
                payload.put("replacedRequests", history.requests());
                payload.put(StoreManifest.CARRIED_TOMBSTONES, history.tombstones().size());
            }
            manifest = manifest.withLedgerHead(ledger.append("store.trained", null, LOCAL_PRINCIPAL, payload).hash());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "sisa-train");
        report.put("manifest", manifest);
        report.put("slices", events);
        report.put("test", classifier ? EvaluationReport.of(test) : testMetrics);
        store.writeReport("train-v1.json", report);
        store.writeManifest(manifest);
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            KeyRotation.forWriting(store, ledger); // the store's key (secret.key, 0600) is made with the store
        }
        return new Outcome(store, store.readManifest(), test, seconds, events, testMetrics);
    }

    /**
     * The SISA configuration {@code store} was trained with, ready to train fresh shards: a user's TorchScript architecture
     * is made known to this process from the store ({@link TorchScriptTemplates}).
     */
    public static SisaConfig config(Store store) throws IOException {
        StoreManifest manifest = store.readManifest();
        SisaConfig config = config(manifest);
        TorchScriptTemplates.remember(store, manifest);
        return config;
    }

    /** The SISA configuration a store was trained with. */
    public static SisaConfig config(StoreManifest manifest) {
        if (!manifest.usesSisa()) {
            throw new StoreException("this store holds a single model, not a SISA ensemble; train it with 'lethe train --sisa'");
        }
        StoreManifest.SisaInfo s = manifest.sisa();
        var train = TrainService.originalConfig(manifest).withEpochs(s.epochsPerSlice());
        var model = dev.lethe.torch.model.ModelSpec.parse(manifest.model().spec(), manifest.model().inputShape(), manifest.model().numClasses());
        var plan = new ShardPlan(s.shards(), s.slices(), dev.lethe.core.sisa.Assignment.parse(s.assignment()), s.seed());
        SisaConfig config = new SisaConfig(plan, model, train, dev.lethe.core.sisa.Aggregation.parse(s.aggregation()),
                manifest.training().threads());
        if (!config.fingerprint().equals(s.configFingerprint())) {
            throw new StoreException("the manifest's SISA configuration does not match its fingerprint; the manifest was edited or damaged");
        }
        return config;
    }

    /**
     * The tokenizer that turns text into the token ids of a language-model store ({@link StoreManifest.DatasetInfo#tokenizer});
     * a classifier's store, which has none, is refused.
     */
    public static Tokenizer tokenizer(StoreManifest manifest) {
        if (!manifest.dataset().holdsTokens()) {
            throw new StoreException("this store holds a classifier (" + manifest.model().spec() + "), not a language model: it"
                    + " predicts classes for feature vectors and generates no text");
        }
        return Tokenizers.get(manifest.dataset().tokenizer());
    }

    /** The current version's final checkpoint keys, in shard order. */
    public static List<CheckpointKey> currentKeys(StoreManifest manifest) {
        return manifest.currentSisa().checkpoints().stream()
                .map(p -> CheckpointKey.parse(p).orElseThrow(() -> new StoreException("the manifest names '" + p + "', which is not a checkpoint path")))
                .toList();
    }

    /** Loads the ensemble that the store's current version serves. */
    public static SisaEnsemble loadEnsemble(Store store, Device device) throws IOException {
        StoreManifest manifest = store.readManifest();
        SisaConfig config = config(manifest);
        return SisaEnsemble.load(VerifiedCheckpointStore.of(store, manifest), currentKeys(manifest), config.aggregation(), device);
    }

    /** The store's current training records, every shard's (what remains after every forget). */
    public static RecordSet loadTraining(Store store) throws IOException {
        return ShardFiles.training(store, store.readManifest());
    }

    /** The store's current held-out records. */
    public static RecordSet loadTest(Store store) throws IOException {
        return ShardFiles.test(store, store.readManifest());
    }
}
