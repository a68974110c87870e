package dev.lethe.core.audit;

import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.ledger.ChainCheck;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.ModelFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.ServerLeases;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.Tombstones;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Proves what a SISA store claims ("deleted means deleted", docs/ARCHITECTURE.md#the-store-and-its-invariants), from the files alone:
 * <ol>
 *   <li>the ledger's hash chain is intact, and still holds the head event the manifest recorded (so its
 *       newest events were not cut off);</li>
 *   <li>the manifest matches the files (data files and current checkpoints exist with the recorded
 *       SHA-256);</li>
 *   <li>the served checkpoints are exactly those the current records determine: each shard's final
 *       checkpoint key, recomputed from the current records, equals the manifest's;</li>
 *   <li>no stored checkpoint's digest covers a forgotten record: every checkpoint file is the key of
 *       some (shard, slice) under the current records, and there is no other file;</li>
 *   <li>the digests of ids are keyed with the store's key, which the manifest and the ledger's newest
 *       {@code key.in-force} event both name, and no key rotation is unfinished;</li>
 *   <li>no forgotten data row remains: no record id in the data files has a tombstone's keyed digest, and
 *       data/ holds only the current files;</li>
 *   <li>every accepted request is done and applied by a model version;</li>
 *   <li>every checkpoint (every slice of every shard) matches the digest the manifest recorded;</li>
 *   <li>every running server ({@link ServerLeases}) answers from the current version.</li>
 * </ol>
 * Pure Java: it needs no model, only the ledger, manifest, data and checkpoint files.
 */
public final class StoreAudit {

    /** How long the audit waits for a live server to report the current version (servers follow within a second). */
    static final long SERVER_GRACE_MS = 3_000;

    private StoreAudit() {
    }

    /** Audits {@code store} against its own SQLite ledger ({@code ledger.db}). */
    public static AuditReport run(Store store) throws IOException {
        if (!store.readManifest().usesSisa()) {
            return run(store, null);
        }
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            return run(store, ledger);
        }
    }

    /**
     * Audits {@code store} against {@code ledger}, which may live elsewhere (a PostgreSQL database); the caller
     * keeps it open. It may be null for a single-model store, which has no ledger.
     */
    public static AuditReport run(Store store, Ledger ledger) throws IOException {
        List<AuditCheck> checks = new ArrayList<>();
        StoreManifest manifest = store.readManifest();
        if (!manifest.usesSisa()) {
            return singleModel(store, manifest);
        }
        ChainCheck chain = ledger.verifyChain();
        checks.add(new AuditCheck("ledger hash chain intact", chain.intact(), chain.intact()
                ? chain.eventsChecked() + " events chained" : "broken at event " + chain.firstBrokenSeq() + ": " + chain.problem()));
        boolean headKept = manifest.ledgerHead() == null || ledger.containsHash(manifest.ledgerHead());
        checks.add(new AuditCheck("ledger holds the head the manifest recorded", headKept, headKept
                ? "event " + (manifest.ledgerHead() == null ? "(none recorded)" : manifest.ledgerHead().substring(0, 12) + "…") + " present"
                : "the ledger lost its newest events: " + manifest.ledgerHead().substring(0, 12) + "… is gone"));
        checks.add(requestsApplied(ledger, store.history()));
        IdDigest digest = null;
        try {
            digest = StoreKeys.forReading(store);
            checks.add(keyCheck(store, manifest, ledger));
        } catch (StoreException e) {
            checks.add(new AuditCheck("digests keyed with the store's key", false, e.getMessage()));
        }
        checks.add(dataFilesMatch(store, manifest));
        if (!checks.get(checks.size() - 1).passed()) {
            return new AuditReport(store.root().toString(), checks);
        }
        StoreManifest.SisaInfo sisa = manifest.sisa();
        ShardPlan plan = new ShardPlan(sisa.shards(), sisa.slices(), Assignment.parse(sisa.assignment()), sisa.seed());
        List<TrainingDataFile.Metadata> shards = ShardFiles.metadata(store, manifest);
        TrainingDataFile.Metadata test = TrainingDataFile.readMetadata(store.root().resolve(manifest.dataFiles().test()));
        List<CheckpointKey> validList = ShardFiles.validKeys(plan, shards, sisa.configFingerprint());
        List<String> finals = new ArrayList<>();
        for (int s = 0; s < plan.shards(); s++) {
            finals.add(validList.get(s * plan.slices() + plan.slices() - 1).relativePath());
        }
        FileCheckpointStore checkpoints = FileCheckpointStore.of(store);
        checks.add(servedCheckpoints(manifest, checkpoints, finals));
        checks.add(noStaleCheckpoints(checkpoints, new HashSet<>(validList)));
        List<TrainingDataFile.Metadata> all = new ArrayList<>(shards);
        all.add(test);
        checks.add(digest == null
                ? new AuditCheck("no forgotten data row remains", false, "cannot be checked without the store's key (see above)")
                : noForgottenRows(store, manifest, all, digest));
        if (manifest.checkpointDigests() != null) {
            checks.add(checkpointsIntact(manifest, checkpoints, validList));
        }
        graphIntact(store, manifest).ifPresent(checks::add);
        checks.add(serversCurrent(store));
        return new AuditReport(store.root().toString(), checks);
    }

    /**
     * A single-model store: the current model file matches the manifest; no other model file is on disk
     * unless the versions after it kept it explicitly ({@link ModelFiles}); and every record the receipts
     * say was forgotten is still tombstoned (so later runs keep leaving it out).
     */
    private static AuditReport singleModel(Store store, StoreManifest manifest) throws IOException {
        List<AuditCheck> checks = new ArrayList<>();
        SingleModelVersion current = manifest.currentSingle();
        Path model = store.root().resolve(current.file());
        boolean ok = Files.isRegularFile(model) && Store.sha256(model).equals(current.sha256());
        checks.add(new AuditCheck("model file matches the manifest", ok, current.file()));
        List<String> stale = ModelFiles.unjustified(store);
        int kept = ModelFiles.justified(manifest).size() - 1;
        checks.add(new AuditCheck("no model file trained on forgotten records remains", stale.isEmpty(), stale.isEmpty()
                ? "only the current model" + (kept > 0 ? " and " + kept + " earlier version(s) kept explicitly (--keep-previous)" : "")
                : stale.size() + " file(s) not justified by the manifest (a purge was interrupted, or a run never switched to them): "
                + String.join(", ", stale.subList(0, Math.min(5, stale.size()))) + "; the next 'lethe unlearn' on this store deletes them"));
        graphIntact(store, manifest).ifPresent(checks::add);
        checks.add(tombstonesKept(manifest, store.history()));
        checks.add(singleModelKey(store, manifest));
        return new AuditReport(store.root().toString(), checks);
    }

    /** A model whose architecture the store keeps (a user's TorchScript module): that file matches the manifest. */
    private static Optional<AuditCheck> graphIntact(Store store, StoreManifest manifest) throws IOException {
        if (manifest.model().graphFile() == null) {
            return Optional.empty();
        }
        try {
            store.verifiedGraphFile(manifest);
            return Optional.of(new AuditCheck("the model's architecture file matches the manifest", true, manifest.model().graphFile()));
        } catch (StoreException e) {
            return Optional.of(new AuditCheck("the model's architecture file matches the manifest", false, e.getMessage()));
        }
    }

    /** The tombstones count every record that the training carried over and each receipt forgot. */
    private static AuditCheck tombstonesKept(StoreManifest manifest, List<StoreManifest.ModelVersion> history) {
        long expected = manifest.training().carriedTombstoneCount();
        for (StoreManifest.ModelVersion v : history) {
            if (v instanceof SingleModelVersion single && single.unlearning() != null) {
                expected += single.unlearning().tombstonedCount();
            }
        }
        int actual = manifest.tombstones() == null ? 0 : manifest.tombstones().size();
        return new AuditCheck("every forgotten record is tombstoned", actual == expected, actual == expected
                ? actual + " tombstone(s): every later run, evaluation and retraining leaves those records out"
                : "the manifest holds " + actual + " tombstone(s) but its receipts account for " + expected
                + ": forgotten records could come back; the manifest was edited or damaged");
    }

    /** A single-model store's tombstones are keyed, and its key is at hand (there is no ledger to agree with). */
    private static AuditCheck singleModelKey(Store store, StoreManifest manifest) {
        String name = "digests keyed with the store's key";
        boolean anyDigest = manifest.tombstones() != null && !manifest.tombstones().isEmpty();
        if (manifest.digestKey() == null) {
            return anyDigest
                    ? new AuditCheck(name, false, "the tombstones are plain SHA-256 digests of ids (written before keyed digests),"
                    + " which anyone can test a guessed id against: run 'lethe keys rotate --store " + store.root() + "' to key them")
                    : new AuditCheck(name, true, "no digests yet; the store's first write creates its key");
        }
        try {
            StoreKeys.forReading(store);
            return new AuditCheck(name, true, "key " + manifest.digestKey());
        } catch (StoreException e) {
            return new AuditCheck(name, false, e.getMessage());
        }
    }

    private static AuditCheck keyCheck(Store store, StoreManifest manifest, Ledger ledger) {
        String name = "digests keyed with the store's key";
        if (KeyRotation.pending(store)) {
            return new AuditCheck(name, false, "a key rotation is unfinished (" + StoreKeys.PENDING_FILE_NAME
                    + " exists): run 'lethe keys rotate --resume --store " + store.root() + "'");
        }
        String inForce = ledger.digestKeyInForce().orElse(null);
        if (manifest.digestKey() == null) {
            boolean anyDigest = !manifest.tombstones().isEmpty() || !ledger.list(null, 0, 1).isEmpty();
            return anyDigest
                    ? new AuditCheck(name, false, "the tombstones and request digests are plain SHA-256 digests of ids (written"
                    + " before keyed digests), which anyone can test a guessed id against: run 'lethe keys rotate --store "
                    + store.root() + "' to key them")
                    : new AuditCheck(name, true, "no digests yet; the store's first write creates its key");
        }
        if (!manifest.digestKey().equals(inForce)) {
            return new AuditCheck(name, false, "the manifest's digests were made with key " + manifest.digestKey()
                    + " but the ledger's newest key event names " + (inForce == null ? "none" : inForce));
        }
        return new AuditCheck(name, true, "key " + inForce + " (manifest and ledger agree)");
    }

    private static AuditCheck checkpointsIntact(StoreManifest manifest, FileCheckpointStore checkpoints, List<CheckpointKey> valid)
            throws IOException {
        List<String> problems = new ArrayList<>();
        for (CheckpointKey key : valid) {
            String expected = manifest.checkpointDigests().get(key.relativePath());
            if (expected == null) {
                problems.add(key.relativePath() + " has no digest in the manifest");
            } else if (!checkpoints.contains(key)) {
                problems.add(key.relativePath() + " (shard " + key.shard() + ") is missing");
            } else if (!checkpoints.sha256(key).equals(expected)) {
                problems.add(key.relativePath() + " (shard " + key.shard() + ") is damaged");
            }
        }
        return new AuditCheck("every checkpoint matches its digest in the manifest", problems.isEmpty(), problems.isEmpty()
                ? valid.size() + " checkpoints verified"
                : String.join("; ", problems.subList(0, Math.min(5, problems.size()))) + "; run 'lethe repair' to recompute them");
    }

    /**
     * Every live server's lease names the current version. A server follows a switch within a second, so a lease
     * that names another version is read again for up to {@link #SERVER_GRACE_MS} before it counts as stale.
     */
    private static AuditCheck serversCurrent(Store store) throws IOException {
        List<String> problems = new ArrayList<>();
        int live = 0;
        int stale = 0;
        long deadline = System.currentTimeMillis() + SERVER_GRACE_MS;
        for (ServerLeases.Lease lease : ServerLeases.read(store)) {
            if (!lease.live(Instant.now())) {
                stale++;
                continue;
            }
            live++;
            ServerLeases.Lease seen = lease;
            int current = store.readManifest().currentVersion();
            while (!Integer.valueOf(current).equals(seen.modelVersion()) && System.currentTimeMillis() < deadline) {
                sleep();
                seen = ServerLeases.read(store).stream().filter(l -> l.pid() == lease.pid() && l.port() == lease.port()).findFirst()
                        .orElse(seen);
                current = store.readManifest().currentVersion();
            }
            if (!Integer.valueOf(current).equals(seen.modelVersion())) {
                problems.add("the server on " + seen.host() + ":" + seen.port() + " (pid " + seen.pid() + ") answers with "
                        + (seen.modelVersion() == null ? "no model (" + seen.status() + ")" : "model version " + seen.modelVersion())
                        + ", not the current version " + current);
            }
        }
        String ignored = stale == 0 ? "" : "; " + stale + " stale lease(s) of stopped servers ignored";
        return new AuditCheck("every running server answers from the current version", problems.isEmpty(), problems.isEmpty()
                ? live + " running server(s)" + ignored : String.join("; ", problems) + ignored);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server's lease", e);
        }
    }

    private static AuditCheck requestsApplied(Ledger ledger, List<StoreManifest.ModelVersion> versions) {
        Set<String> applied = new HashSet<>();
        versions.forEach(v -> applied.addAll(v.requests()));
        List<ForgetRequest> pending = ledger.pending();
        List<String> problems = new ArrayList<>();
        if (!pending.isEmpty()) {
            problems.add(pending.size() + " request(s) not finished (" + pending.get(0).id() + "...): run 'lethe forget --resume'");
        }
        int done = 0;
        for (int offset = 0; ; offset += 1000) {
            List<ForgetRequest> page = ledger.list(RequestStatus.DONE, offset, 1000);
            for (ForgetRequest r : page) {
                done++;
                if (!applied.contains(r.id()) && r.removedRecords()) {
                    problems.add("request " + r.id() + " is done but no model version applied it");
                }
            }
            if (page.size() < 1000) {
                break;
            }
        }
        return new AuditCheck("every request done and applied", problems.isEmpty(),
                problems.isEmpty() ? done + " request(s) done, all applied" : String.join("; ", problems));
    }

    private static AuditCheck dataFilesMatch(Store store, StoreManifest manifest) throws IOException {
        List<String> problems = new ArrayList<>();
        StoreManifest.DataFiles f = manifest.dataFiles();
        for (int i = 0; i < f.all().size(); i++) {
            String file = f.all().get(i);
            Path p = store.root().resolve(file);
            if (!Files.isRegularFile(p)) {
                problems.add(file + " is missing");
            } else if (!Store.sha256(p).equals(f.allSha256().get(i))) {
                problems.add(file + " does not match its SHA-256 in the manifest");
            }
        }
        return new AuditCheck("data files match the manifest", problems.isEmpty(),
                problems.isEmpty() ? f.shards().size() + " shard files and " + f.test() : String.join("; ", problems));
    }

    private static AuditCheck servedCheckpoints(StoreManifest manifest, FileCheckpointStore checkpoints, List<String> expected) throws IOException {
        List<String> problems = new ArrayList<>();
        SisaModelVersion current = manifest.currentSisa();
        if (!current.checkpoints().equals(expected)) {
            problems.add("the served checkpoints are not the ones the current records determine");
        }
        for (int i = 0; i < current.checkpoints().size(); i++) {
            String path = current.checkpoints().get(i);
            CheckpointKey key = CheckpointKey.parse(path).orElse(null);
            if (key == null || !checkpoints.contains(key)) {
                problems.add(path + " is missing");
            } else if (!checkpoints.sha256(key).equals(current.checkpointSha256().get(i))) {
                problems.add(path + " does not match its SHA-256 in the manifest");
            }
        }
        return new AuditCheck("served checkpoints = those the current records determine", problems.isEmpty(),
                problems.isEmpty() ? expected.size() + " shard checkpoints, digests recomputed from the records" : String.join("; ", problems));
    }

    private static AuditCheck noStaleCheckpoints(FileCheckpointStore checkpoints, Set<CheckpointKey> valid) throws IOException {
        List<String> stale = new ArrayList<>();
        for (CheckpointKey key : checkpoints.keys()) {
            if (!valid.contains(key)) {
                stale.add(key.relativePath());
            }
        }
        for (Path p : checkpoints.strayFiles()) {
            stale.add(checkpoints.root().relativize(p) + " (not a checkpoint)");
        }
        return new AuditCheck("no checkpoint covers a forgotten record", stale.isEmpty(),
                stale.isEmpty() ? checkpoints.keys().size() + " checkpoints, each justified by the current records"
                        : stale.size() + " checkpoint file(s) not justified by the current records: " + String.join(", ", stale.subList(0, Math.min(5, stale.size()))));
    }

    private static AuditCheck noForgottenRows(Store store, StoreManifest manifest, List<TrainingDataFile.Metadata> contents,
                                              IdDigest digest) throws IOException {
        Tombstones tombstones = Tombstones.of(manifest, digest);
        List<String> problems = new ArrayList<>();
        int rows = 0;
        for (TrainingDataFile.Metadata m : contents) {
            for (String id : m.ids()) {
                rows++;
                if (tombstones.covers(id)) {
                    problems.add("a forgotten record is still in " + m.name() + " (keyed digest of its id "
                            + tombstones.digestOf(id).substring(0, 12) + "…)");
                }
            }
        }
        Set<Path> current = new HashSet<>();
        manifest.dataFiles().all().forEach(f -> current.add(store.root().resolve(f)));
        try (Stream<Path> files = Files.list(store.dataDir())) {
            files.filter(p -> !current.contains(p)).forEach(p -> problems.add(store.root().relativize(p) + " is not a current data file"));
        }
        return new AuditCheck("no forgotten data row remains", problems.isEmpty(),
                problems.isEmpty() ? rows + " rows checked against " + tombstones.size() + " tombstones" : String.join("; ", problems));
    }
}
