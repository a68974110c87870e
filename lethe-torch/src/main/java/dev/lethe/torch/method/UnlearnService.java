package dev.lethe.torch.method;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.store.ModelFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.core.store.Tombstones;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.method.certified.CertifiedRemoval;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Approximate unlearning in a single-model store ({@code lethe unlearn}): selects the forget set
 * (records, subjects or a class), runs a method on the current model, and makes the result the next
 * model version with a receipt marked with the method's guarantee. Options are validated before any
 * work.
 */
public final class UnlearnService {

    private UnlearnService() {
    }

    /**
     * What the run produced.
     *
     * @param version the new model version
     * @param receipt its receipt (also in the manifest and in reports/unlearn-vN.json)
     * @param purged the files deleted from {@code models/} (earlier versions and their side files)
     */
    public record Outcome(int version, Map<String, Object> receipt, List<String> purged) {
    }

    /** {@link #unlearn(Store, UnlearningMethod, Map, ForgetKind, List, long, boolean, Device, TrainListener)} as an erasure (earlier model files purged). */
    public static Outcome unlearn(Store store, UnlearningMethod<?> method, Map<String, String> overrides, ForgetKind kind,
                                  List<String> values, long seed, Device device, TrainListener listener) throws IOException {
        return unlearn(store, method, overrides, kind, values, seed, false, device, listener);
    }

    /**
     * Runs {@code method} on the current model and makes the result the next version. The records
     * earlier requests forgot are left out of every set the method sees ({@link StoreData}); the matched
     * records (and, for records and subjects, the person's held-out rows) join the tombstones. The new
     * model file is written and made durable, then the manifest is switched in one atomic step, then every
     * model file the new manifest no longer justifies is purged ({@link ModelFiles}): unless
     * {@code keepPrevious} (a repair that wants the earlier versions), no model trained on the forgotten
     * records stays on disk. A purge that a crash interrupted is finished by the next run.
     */
    public static Outcome unlearn(Store store, UnlearningMethod<?> method, Map<String, String> overrides, ForgetKind kind,
                                  List<String> values, long seed, boolean keepPrevious, Device device, TrainListener listener)
            throws IOException {
        MethodOptions.parse(method, overrides); // fail on bad options before any work
        try (StoreLock lock = StoreLock.acquire(store)) {
            IdDigest digest = KeyRotation.forWriting(store, null); // keys a store that has no key yet
            StoreManifest manifest = store.readManifest();
            if (manifest.usesSisa()) {
                throw new StoreException("this is a SISA store: forget exactly with 'lethe forget' (approximate methods run on single-model stores)");
            }
            List<String> purgedBefore = ModelFiles.purge(store); // what an interrupted run left
            overrides = certifiedDefaults(method, overrides, manifest);
            StoreData stored = StoreData.load(store);
            DatasetRef.Loaded data = stored.data();
            RecordSet train = data.train();
            Set<Integer> forget = select(train, kind, values);
            if (forget.isEmpty()) {
                throw new IllegalArgumentException("no training record matches " + kind.name().toLowerCase(Locale.ROOT) + " " + values
                        + ": nothing to unlearn" + (stored.excludedTrain() > 0
                        ? " (the " + stored.excludedTrain() + " records earlier requests forgot are left out)" : ""));
            }
            Set<Integer> forgetTest = kind == ForgetKind.LABEL ? Set.of() : select(data.test(), kind, values);
            RecordSet test = data.test().filter(data.test().name(), i -> !forgetTest.contains(i));
            UnlearningData unlearningData = new UnlearningData(train.filter("forget", forget::contains),
                    train.filter("retain", i -> !forget.contains(i)), test);
            TrainConfig original = originalConfig(manifest);
            int version = manifest.currentVersion() + 1;
            String file = Store.modelFileName(version);
            Map<String, Object> receipt = new LinkedHashMap<>();
            Map<String, Double> metrics = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            forget.forEach(i -> ids.add(train.id(i)));
            List<String> forgotten = new ArrayList<>(ids);
            forgetTest.forEach(i -> forgotten.add(data.test().id(i)));
            try (ModelHandle model = StoredModel.loadCurrent(store, device);
                 Prepared prepared = certifiedState(store, manifest, method, model, receipt);
                 UnlearningRun run = UnlearningRun.run(method, overrides, model, unlearningData,
                         new UnlearningContext(seed, original, listener, new dev.lethe.torch.train.Cancellation()).withPrepared(prepared))) {
                run.model().save(store.root().resolve(file));
                Evaluator evaluator = new Evaluator();
                try (TensorData f = TensorData.of(unlearningData.forget(), run.model().manager());
                     TensorData t = TensorData.of(test, run.model().manager())) {
                    Evaluation forgetEval = evaluator.evaluate(run.model(), f);
                    Evaluation testEval = evaluator.evaluate(run.model(), t);
                    metrics.put("forgetAccuracy", forgetEval.accuracy());
                    metrics.put("testAccuracy", testEval.accuracy());
                }
                metrics.put("unlearnSeconds", run.seconds());
                receipt.put("method", run.method());
                receipt.put("guarantee", run.guarantee().name().toLowerCase(Locale.ROOT));
                receipt.put("options", run.options());
                receipt.put("seed", seed);
                receipt.put("seconds", run.seconds());
                if (!run.report().isEmpty()) {
                    receipt.put("report", run.report());
                }
                receipt.put("selector", kind.name().toLowerCase(Locale.ROOT));
                receipt.put("matchedRecords", ids.size());
                receipt.put(StoreManifest.ModelVersion.MATCHED_DIGEST, digest.ofIds(ids));
                receipt.put("retainRecords", unlearningData.retain().size());
                receipt.put("excludedEarlier", stored.excludedTrain());
                receipt.put(StoreManifest.TOMBSTONED, forgotten.size());
                receipt.put("fromVersion", manifest.currentVersion());
                receipt.put("modelVersion", version);
                receipt.put(ModelFiles.KEEP_PREVIOUS, keepPrevious);
                if (!purgedBefore.isEmpty()) {
                    receipt.put("purgedLeftovers", purgedBefore); // what an interrupted earlier run had left in models/
                }
            }
            CrashPoints.reach("unlearn-before-switch");
            String now = Instant.now().toString();
            String sha256 = Store.sha256(store.root().resolve(file));
            List<String> tombstones = Tombstones.of(manifest, digest).with(forgotten).sorted();
            // the receipt names what the purge after the switch deletes: every model file the new manifest does not justify
            StoreManifest.ModelVersion draft = new StoreManifest.ModelVersion(version, file, sha256, now, metrics, null, null, List.of(),
                    null, null, Map.copyOf(receipt));
            receipt.put("purged", ModelFiles.unjustified(store, manifest.withNewVersion(draft, null, null)));
            StoreManifest switched = manifest.withNewVersion(new StoreManifest.ModelVersion(version, file, sha256, now, metrics, null, null,
                    List.of(), null, null, receipt), null, null).withTombstones(tombstones);
            store.writeReport("unlearn-v" + version + ".json", Map.of("receipt", receipt, "metrics", metrics));
            store.writeManifest(switched);
            CrashPoints.reach("unlearn-after-switch");
            List<String> purged = new ArrayList<>(purgedBefore);
            purged.addAll(ModelFiles.purge(store));
            return new Outcome(version, receipt, purged);
        }
    }

    /**
     * The state {@code lethe train --perturbation} prepared for certified removal and kept next to the
     * current model file, when {@code method} is {@code certified} and the state was written for that
     * very file (same digest); null otherwise (the removal then prepares inline). A damaged state file
     * is not fatal: the removal prepares inline and the receipt says why ({@code preparedState}).
     */
    private static Prepared certifiedState(Store store, StoreManifest manifest, UnlearningMethod<?> method, ModelHandle model,
                                           Map<String, Object> receipt) {
        Path file = store.root().resolve(CertifiedRemoval.stateFileName(manifest.current().file()));
        if (!method.name().equals(CertifiedRemoval.NAME) || !Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            Prepared state = CertifiedRemoval.readPrepared(model, in, manifest.current().sha256()).orElse(null);
            receipt.put("preparedState", state != null ? "loaded from " + store.root().relativize(file)
                    : store.root().relativize(file) + " belongs to another model file; prepared inline");
            return state;
        } catch (IOException | RuntimeException e) {
            receipt.put("preparedState", store.root().relativize(file) + " is damaged (" + e.getMessage() + "); prepared inline");
            return null;
        }
    }

    /**
     * Certified removal needs the σ the model was trained with (taken from the manifest unless given),
     * and applies to the trained model itself: the theorem's D' must be all remaining records, and a
     * single-model store does not keep the records earlier versions removed, so a second removal — or
     * one after another method changed the model — is refused (a retrained store, whose training left the
     * tombstoned records out, starts again at version 1).
     */
    private static Map<String, String> certifiedDefaults(UnlearningMethod<?> method, Map<String, String> overrides, StoreManifest manifest) {
        if (!method.name().equals(CertifiedRemoval.NAME)) {
            return overrides;
        }
        if (manifest.currentVersion() != 1) {
            throw new IllegalStateException("certified: the current model (version " + manifest.currentVersion() + ") is not the trained model;"
                    + " certified removal applies once to a model trained with --perturbation — retrain the store to remove more");
        }
        Object sigma = manifest.training().get("perturbation");
        boolean given = overrides.containsKey("perturbation") || overrides.containsKey(CertifiedRemoval.NAME + ".perturbation");
        if (given || sigma == null) {
            return overrides;
        }
        Map<String, String> withSigma = new LinkedHashMap<>(overrides);
        withSigma.put("perturbation", String.valueOf(sigma));
        return withSigma;
    }

    /** Positions of the training records a selector names. */

    public static Set<Integer> select(RecordSet train, ForgetKind kind, List<String> values) {
        return dev.lethe.core.forget.RecordSelector.positions(dev.lethe.core.forget.RecordSelector.Candidates.of(train), kind, values);
    }

    /** The training configuration recorded in a store's manifest. */
    public static TrainConfig originalConfig(StoreManifest manifest) {
        Map<String, Object> t = manifest.training();
        return new TrainConfig(((Number) t.get("epochs")).intValue(), ((Number) t.get("batchSize")).intValue(),
                OptimizerKind.valueOf(String.valueOf(t.get("optimizer")).toUpperCase(Locale.ROOT)),
                ((Number) t.get("learningRate")).floatValue(), ((Number) t.get("momentum")).floatValue(),
                ((Number) t.get("weightDecay")).floatValue(), ((Number) t.get("seed")).longValue());
    }

    /** Where the receipt of version {@code v} is written. */
    public static Path reportFile(Store store, int version) {
        return store.reportsDir().resolve("unlearn-v" + version + ".json");
    }
}
