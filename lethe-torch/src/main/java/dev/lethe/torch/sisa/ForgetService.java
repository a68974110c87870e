package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.forget.RecordSelector;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.ForgetPlan;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.Tombstones;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Exact forgetting in a SISA store (docs/ARCHITECTURE.md#the-store-and-its-invariants and #exact-unlearning-sisa).
 *
 * <p>{@link #accept} validates a request and makes it durable in the ledger before anyone is told it
 * was accepted. {@link #process} takes every pending request as one batch, as plan → execute → commit
 * (docs/ARCHITECTURE.md):
 * <ol>
 *   <li>match the requests against the ingested records ({@link RecordSelector});</li>
 *   <li>plan: which shards retrain from which slice, on which records ({@link ForgetPlan}, pure);</li>
 *   <li>stage: write the affected shards' remaining records to new data files (untouched shards keep theirs);</li>
 *   <li>execute: the {@link ShardExecutor} retrains each affected shard once, from the checkpoint before its
 *       first dirty slice, on the remaining records (checkpoints already stored under the same key are reused,
 *       which is how a killed run resumes with the same result);</li>
 *   <li>commit, the single writer — switch: replace the manifest atomically with one whose current version
 *       names the new checkpoints, data files and tombstones, the only step that changes what is served;
 *       purge: delete every data file and checkpoint that the current data no longer justifies (their digests
 *       cover forgotten records); mark each request done in the ledger with its {@link Receipt}.</li>
 * </ol>
 * A batch whose requests match nothing changes nothing: no retraining and no new version, and each receipt says
 * why in words ({@link ForgetOutcome}). A process killed at any point is finished by the next call: before the switch the batch is redone
 * (deterministically, reusing what was stored); after it, only purge and receipts remain.
 */
public final class ForgetService {

    /** Work on an open ledger that may throw {@link IOException}. */
    private interface LedgerWork<T> {
        T run(Ledger ledger) throws IOException;
    }

    private final Store store;
    private final ShardStorage storage;
    private final Device device;
    private final Ledger sharedLedger;
    private ShardExecutor executor = ShardExecutors.local();
    private TrainListener listener = TrainListener.NONE;
    private Consumer<SliceEvent> onSlice = e -> {
    };
    private Consumer<StoreManifest> onSwitch = m -> {
    };

    /** Forgetting with the store's own SQLite ledger, opened for each call. */
    public ForgetService(Store store, Device device) {
        this(store, device, null);
    }

    /**
     * Forgetting with a ledger the caller keeps open (a server's, possibly on PostgreSQL); null means the
     * store's own SQLite ledger, opened for each call.
     */
    public ForgetService(Store store, Device device, Ledger ledger) {
        this(ShardStorage.of(store), device, ledger);
    }

    /** Forgetting in the store of {@code storage}, reading and writing its checkpoints and data files through it. */
    public ForgetService(ShardStorage storage, Device device, Ledger ledger) {
        this.store = storage.store();
        this.storage = storage;
        this.device = device;
        this.sharedLedger = ledger;
    }

    /** The executor that retrains dirty shards ({@link ShardExecutors}); the local one unless set. */
    public ForgetService executor(ShardExecutor newExecutor) {
        this.executor = newExecutor;
        return this;
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
     * Called with the new manifest right after a batch's switch, before the purge and before any of its
     * requests is marked done: a server swaps the model it serves here, so that no request is reported
     * done while predictions still come from a version that holds its data.
     */
    public ForgetService onSwitch(Consumer<StoreManifest> callback) {
        this.onSwitch = callback;
        return this;
    }

    private <T> T withLedger(LedgerWork<T> work) throws IOException {
        if (sharedLedger != null) {
            return work.run(sharedLedger);
        }
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            return work.run(ledger);
        }
    }

    /**
     * Validates {@code spec} against the store and records it durably. A label must name one of the
     * store's classes (by name or index; a language-model store has none); record and subject ids must be printable. Nothing is written
     * for a rejected request.
     */
    public ForgetRequest accept(RequestSpec spec, String principal) throws IOException {
        return submit(spec, principal).request();
    }

    /** {@link #accept}, telling a new request from the original that a repeated idempotency key returns. */
    public Ledger.Acceptance submit(RequestSpec spec, String principal) throws IOException {
        StoreManifest manifest = store.readManifest();
        SisaService.config(manifest);
        RequestSpec checked = spec;
        if (spec.kind() == ForgetKind.LABEL && manifest.dataset().holdsTokens()) {
            throw new IllegalArgumentException("this store holds a language model's text, which has no classes: forget by record"
                    + " id or by subject (an author's records: --subject \"Author Name\")");
        }
        if (spec.kind() == ForgetKind.LABEL) {
            checked = new RequestSpec(spec.kind(), List.of(RecordSelector.resolveLabel(spec.values().get(0), manifest.dataset().classNames())),
                    spec.reason(), spec.idempotencyKey());
        }
        for (String v : checked.values()) {
            if (v.length() > 256 || v.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("malformed id '" + v.replaceAll("\\p{Cntrl}", "?")
                        + "': ids are at most 256 printable characters");
            }
        }
        if (spec.kind() == ForgetKind.RECORDS) {
            requireKnownRecords(spec.values(), manifest);
        }
        RequestSpec valid = checked;
        return withLedger(ledger -> ledger.submit(valid, principal, KeyRotation.forAccepting(store, ledger)));
    }

    /** The record ids a store version holds, and one of them as an example of their format. */
    private record HeldIds(String createdAt, int version, Set<String> ids, String example) {
    }

    private volatile HeldIds heldIds;

    /** Refuses a record id that the store neither holds nor has forgotten (a typo is not an erasure). */
    private void requireKnownRecords(List<String> values, StoreManifest manifest) throws IOException {
        HeldIds held = heldIds;
        if (held == null || held.version() != manifest.currentVersion() || !held.createdAt().equals(manifest.createdAt())) {
            Set<String> ids = new HashSet<>();
            for (TrainingDataFile.Metadata m : storage.data().metadata(manifest.dataFiles().all())) {
                ids.addAll(m.ids());
            }
            held = new HeldIds(manifest.createdAt(), manifest.currentVersion(), ids, ids.stream().sorted().findFirst().orElse("?"));
            heldIds = held;
        }
        Tombstones tombstones = Tombstones.of(manifest, StoreKeys.forReading(store));
        OptionalInt unknown = RecordSelector.firstUnknown(values, held.ids(), tombstones::covers);
        if (unknown.isPresent()) {
            throw new UnknownRecordException(unknown.getAsInt(), held.example());
        }
    }

    /** Processes every pending request (see the class comment); returns their receipts. */
    public List<Receipt> process() throws IOException {
        try (StoreLock lock = StoreLock.acquire(store)) {
            return processLocked();
        }
    }

    private List<Receipt> processLocked() throws IOException {
        return withLedger(ledger -> {
            IdDigest digest = KeyRotation.forWriting(store, ledger); // keys a store that has no key yet
            StoreManifest manifest = store.readManifest();
            SisaConfig config = SisaService.config(store);
            List<Receipt> receipts = new ArrayList<>();
            List<ForgetRequest> pending = ledger.pending();
            Set<String> applied = new HashSet<>(manifest.current().requests());
            List<ForgetRequest> switched = pending.stream().filter(r -> applied.contains(r.id())).toList();
            if (!switched.isEmpty()) {
                purge(manifest, config, ledger);
                receipts.addAll(complete(switched, manifest, manifest.currentSisa().matched(), ledger, digest));
            }
            List<ForgetRequest> batch = pending.stream().filter(r -> !applied.contains(r.id())).toList();
            if (!batch.isEmpty()) {
                long start = System.nanoTime();
                ledger.markRunning(batch.stream().map(ForgetRequest::id).toList(), "batch-v" + (manifest.currentVersion() + 1));
                Matching matching = match(batch, manifest, config, digest);
                if (!matching.changesAnything()) {
                    // nothing to remove: no retraining, no new version; each receipt says why in words
                    receipts.addAll(complete(batch, manifest, matching.matched(), ledger, digest));
                    return receipts;
                }
                ForgetPlan plan = plan(manifest, config, matching);
                VerifiedCheckpointStore checkpoints = storage.checkpoints(manifest);
                StoreManifest.DataFiles staged = stage(manifest, plan, matching, checkpoints);
                List<ShardResult> results = execute(plan, config, checkpoints);
                StoreManifest next = commit(batch, manifest, ledger, matching, plan, staged, results, checkpoints, start);
                purge(next, config, ledger);
                CrashPoints.reach("after-purge");
                receipts.addAll(complete(batch, next, next.currentSisa().matched(), ledger, digest));
            }
            return receipts;
        });
    }

    /**
     * What a batch's requests matched in the current data.
     *
     * @param forgotten per shard, the positions of its records to remove
     * @param forgottenTest positions of held-out records to remove
     * @param matched per request, what it matched
     * @param tombstones the store's tombstones with the matched records' added
     * @param shardMeta the metadata of every shard's current file
     */
    private record Matching(List<TrainingDataFile.Metadata> shardMeta, List<Set<Integer>> forgotten, Set<Integer> forgottenTest, Map<String, StoreManifest.Match> matched,
                            TreeSet<String> tombstones) {
        boolean changesAnything() {
            return !forgottenTest.isEmpty() || forgotten.stream().anyMatch(f -> !f.isEmpty());
        }
    }

    /** Matches every request of {@code batch} against the metadata of every shard and of the held-out records. */
    private Matching match(List<ForgetRequest> batch, StoreManifest manifest, SisaConfig config, IdDigest digest) throws IOException {
        int shards = config.plan().shards();
        List<TrainingDataFile.Metadata> shardMeta = storage.data().metadata(manifest.dataFiles().shards());
        TrainingDataFile.Metadata testMeta = storage.data().metadata(manifest.dataFiles().test());
        List<Set<Integer>> forgotten = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            forgotten.add(new TreeSet<>());
        }
        Set<Integer> forgottenTest = new TreeSet<>();
        Map<String, StoreManifest.Match> matched = new LinkedHashMap<>();
        TreeSet<String> tombstones = new TreeSet<>(manifest.tombstones());
        for (ForgetRequest r : batch) {
            List<String> ids = new ArrayList<>();
            List<Integer> touched = new ArrayList<>();
            int trainCount = 0;
            for (int s = 0; s < shards; s++) {
                Set<Integer> hits = RecordSelector.positions(RecordSelector.Candidates.of(shardMeta.get(s)), r.kind(), r.values());
                if (!hits.isEmpty()) {
                    touched.add(s);
                    trainCount += hits.size();
                    forgotten.get(s).addAll(hits);
                    List<String> shardIds = shardMeta.get(s).ids();
                    hits.forEach(i -> ids.add(shardIds.get(i)));
                }
            }
            Set<Integer> testHits = r.kind() == ForgetKind.LABEL ? Set.of()
                    : RecordSelector.positions(RecordSelector.Candidates.of(testMeta), r.kind(), r.values());
            forgottenTest.addAll(testHits);
            testHits.forEach(i -> ids.add(testMeta.ids().get(i)));
            ids.forEach(id -> tombstones.add(digest.ofId(id)));
            matched.put(r.id(), new StoreManifest.Match(trainCount, testHits.size(), digest.ofIds(ids), touched));
        }
        return new Matching(shardMeta, forgotten, forgottenTest, matched, tombstones);
    }

    /** Plan: which shards retrain from which slice on which records (pure; nothing is written). */
    private static ForgetPlan plan(StoreManifest manifest, SisaConfig config, Matching matching) {
        List<Lineage> shards = new ArrayList<>();
        for (int s = 0; s < matching.shardMeta().size(); s++) {
            TrainingDataFile.Metadata m = matching.shardMeta().get(s);
            shards.add(ShardFiles.shardLineage(config.plan(), s, m.ids(), m.slices()));
        }
        return ForgetPlan.of(shards, manifest.dataFiles().shards(), matching.forgotten(), manifest.currentVersion() + 1, config.fingerprint());
    }

    /**
     * Stage: writes each dirty shard's remaining records, and the remaining held-out records when some were
     * forgotten, to the next version's data files, and returns them. They are written before any shard retrains
     * (they are what the jobs read) and are not current yet: nothing points at them until the switch, and the purge
     * after it deletes any that a killed run left behind. Before that, the checkpoints of untouched shards, which the
     * next version serves as they are, are verified: a damaged one is never published.
     */
    private StoreManifest.DataFiles stage(StoreManifest manifest, ForgetPlan plan, Matching matching, VerifiedCheckpointStore checkpoints) throws IOException {
        List<CheckpointKey> keys = SisaService.currentKeys(manifest);
        for (int s = 0; s < keys.size(); s++) {
            if (plan.untouched(s)) {
                checkpoints.verify(keys.get(s));
            }
        }
        List<String> shardFiles = new ArrayList<>(manifest.dataFiles().shards());
        List<String> shardShas = new ArrayList<>(manifest.dataFiles().shardSha256());
        for (ForgetPlan.DirtyShard d : plan.dirty()) {
            TrainingDataFile.Content content = storage.data().read(d.currentFile());
            RecordSet remaining = content.records().select(content.records().name(), d.kept());
            int[] remainingSlices = Arrays.stream(d.kept()).map(i -> content.slices()[i]).toArray();
            int s = d.job().shard();
            shardFiles.set(s, d.job().dataFile());
            shardShas.set(s, storage.data().write(d.job().dataFile(), remaining, remainingSlices));
        }
        String testFile = manifest.dataFiles().test();
        String testSha = manifest.dataFiles().testSha256();
        Set<Integer> forgottenTest = matching.forgottenTest();
        if (!forgottenTest.isEmpty()) {
            RecordSet test = storage.data().read(testFile).records();
            testFile = ShardFiles.testFile(manifest.currentVersion() + 1);
            testSha = storage.data().write(testFile, test.filter(test.name(), i -> !forgottenTest.contains(i)), null);
        }
        return new StoreManifest.DataFiles(shardFiles, shardShas, testFile, testSha);
    }

    /**
     * Execute: retrains each dirty shard once, from its first dirty slice, on its remaining records (checkpoints
     * already stored under the same key are reused, which is how a killed run resumes with the same result).
     */
    private List<ShardResult> execute(ForgetPlan plan, SisaConfig config, VerifiedCheckpointStore checkpoints) throws IOException {
        return ShardExecutors.run(executor, plan.jobs(), new ShardContext(config, device, checkpoints, storage.data(), listener, e -> {
            onSlice.accept(e);
            CrashPoints.reach("mid-retrain");
        }));
    }

    /**
     * Commit, the single writer: one atomic manifest replacement makes the version of the executed plan current,
     * with the staged data files, the new checkpoints and tombstones; then the switch is announced and recorded.
     */
    private StoreManifest commit(List<ForgetRequest> batch, StoreManifest manifest, Ledger ledger, Matching matching, ForgetPlan plan,
                                 StoreManifest.DataFiles staged, List<ShardResult> results, VerifiedCheckpointStore checkpoints, long start) throws IOException {
        int version = manifest.currentVersion() + 1;
        Map<String, StoreManifest.Match> matched = matching.matched();
        TreeSet<String> tombstones = matching.tombstones();
        List<CheckpointKey> keys = new ArrayList<>(SisaService.currentKeys(manifest));
        List<StoreManifest.ShardRetrain> retrained = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ShardJob job = plan.jobs().get(i);
            ShardResult result = results.get(i);
            int s = job.shard();
            CheckpointKey before = keys.get(s);
            keys.set(s, result.finalKey());
            retrained.add(new StoreManifest.ShardRetrain(s, job.fromSlice(), before.relativePath(), result.finalKey().relativePath(),
                    result.seconds()));
        }

        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("retrainSeconds", (System.nanoTime() - start) / 1e9);
        SisaModelVersion next = new SisaModelVersion(version, Instant.now().toString(), metrics,
                keys.stream().map(CheckpointKey::relativePath).toList(), checkpointShas(checkpoints, keys, manifest, retrained),
                batch.stream().map(ForgetRequest::id).toList(), retrained, matched);
        StoreManifest switched = manifest.withNewVersion(next, staged,
                List.copyOf(tombstones)).withLedgerHead(ledger.head().map(dev.lethe.core.ledger.AuditEvent::hash).orElse(null))
                .withCheckpointDigests(checkpoints.digests(plan.keys()));
        CrashPoints.reach("before-switch");
        store.writeManifest(switched);
        onSwitch.accept(switched);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", version);
        payload.put("requests", next.requests());
        payload.put("checkpoints", next.checkpoints());
        ledger.append("model.switched", null, Ledger.SYSTEM_PRINCIPAL, payload);
        CrashPoints.reach("after-switch");
        return switched;
    }

    /** Checkpoint digests of the new version: recomputed for retrained shards, carried over for the others. */
    private static List<String> checkpointShas(VerifiedCheckpointStore checkpoints, List<CheckpointKey> keys, StoreManifest manifest,
                                               List<StoreManifest.ShardRetrain> retrained) throws IOException {
        List<String> shas = new ArrayList<>(manifest.currentSisa().checkpointSha256());
        for (StoreManifest.ShardRetrain r : retrained) {
            CheckpointKey key = keys.get(r.shard());
            shas.set(r.shard(), checkpoints.knownDigest(key).orElse(checkpoints.sha256(key)));
        }
        return shas;
    }

    /**
     * Deletes what the current data no longer justifies: data files other than the current ones, and
     * every checkpoint whose key is not the key of some (shard, slice) under the current records.
     */
    private void purge(StoreManifest manifest, SisaConfig config, Ledger ledger) throws IOException {
        int deletedFiles = 0;
        Set<String> keep = new HashSet<>(manifest.dataFiles().all());
        for (String file : storage.data().files()) {
            if (!keep.contains(file)) {
                storage.data().delete(file);
                deletedFiles++;
            }
        }
        FileCheckpointStore checkpoints = storage.checkpoints(manifest).files();
        Set<CheckpointKey> valid = new HashSet<>(ShardFiles.validKeys(config.plan(), storage.data().metadata(manifest.dataFiles().shards()),
                config.fingerprint()));
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

    /**
     * Marks {@code requests} done with their receipts. {@code manifest}'s current version is the one that applied
     * them, or, for a batch that matched nothing, the unchanged version that still serves.
     */
    private static List<Receipt> complete(List<ForgetRequest> requests, StoreManifest manifest, Map<String, StoreManifest.Match> matched,
                                          Ledger ledger, IdDigest digest) {
        SisaModelVersion version = manifest.currentSisa();
        boolean appliedHere = version.requests().contains(requests.get(0).id());
        List<Receipt> receipts = new ArrayList<>();
        Map<String, String> receiptJson = new LinkedHashMap<>();
        ForgetOutcome outcomes = ForgetOutcome.of(ledger, digest);
        for (ForgetRequest r : requests) {
            StoreManifest.Match m = matched.get(r.id());
            List<StoreManifest.ShardRetrain> mine = appliedHere
                    ? version.retrained().stream().filter(x -> m.shards().contains(x.shard())).toList() : List.of();
            Receipt receipt = new Receipt(r.id(), r.kind().name().toLowerCase(java.util.Locale.ROOT), m.trainRecords(), m.testRecords(),
                    m.digest(), mine, manifest.sisa().slices(), version.version(), appliedHere ? "batch-v" + version.version() : r.batchId(),
                    appliedHere ? version.requests().size() : requests.size(),
                    appliedHere ? version.metrics().getOrDefault("retrainSeconds", Double.NaN) : 0.0, "exact",
                    outcomes.describe(r, m));
            receiptJson.put(r.id(), Store.compactJson(receipt));
            receipts.add(receipt);
        }
        // the whole batch becomes DONE in one transaction (and one WAL truncation), or none of it
        ledger.completeAll(receiptJson);
        return receipts;
    }
}
