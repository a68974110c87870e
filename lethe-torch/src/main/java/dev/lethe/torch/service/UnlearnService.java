package dev.lethe.torch.service;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.forget.RecordSelector;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.store.ModelFiles;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.core.store.Tombstones;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.UnlearningReceipt;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.method.StrengthCalibration;
import dev.lethe.torch.method.TrainingHook;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Approximate unlearning in a single-model store ({@code lethe unlearn}): selects the forget set
 * (records, subjects or a class), runs a method on the current model, and makes the result the next
 * model version with a receipt marked with the method's guarantee. Options are validated before any
 * work.
 */
public final class UnlearnService {

    /** How many known subjects an error about an unknown one lists. */
    private static final int KNOWN_SUBJECTS_SHOWN = 5;

    private UnlearnService() {
    }

    /**
     * What the run produced.
     *
     * @param version the new model version
     * @param receipt its receipt (also in the manifest and in reports/unlearn-vN.json)
     * @param purged the files deleted from {@code models/} (earlier versions and their side files)
     */
    public record Outcome(int version, UnlearningReceipt receipt, List<String> purged) {
    }

    /**
     * What a request says beyond what to forget and how.
     *
     * @param keepPrevious keep the earlier model versions' files (a repair that is not an erasure)
     * @param poisoned the records are poisoned or mislabelled ({@link UnlearningData#poisoned}), so a strength set from the
     *        data aims at removing their labels, not at treating them as unseen
     * @param keepWithin the keeping allowance of a strength set from the data ({@link UnlearningContext#keepWithin}); empty:
     *        the default, {@value StrengthCalibration#RETAIN_DROP}. Given for a run whose strength is not set from the
     *        data, it is refused, since it would change nothing
     */
    public record Terms(boolean keepPrevious, boolean poisoned, OptionalDouble keepWithin) {

        /** An erasure: earlier model files purged, the records not poisoned, the default allowance. */
        public static final Terms ERASURE = new Terms(false, false, OptionalDouble.empty());

        public Terms {
            keepWithin.ifPresent(UnlearningContext::requireAllowance);
        }
    }

    /**
     * {@link #unlearn(Store, UnlearningMethod, Map, ForgetKind, List, long, Terms, Device, TrainListener)} as an erasure
     * ({@link Terms#ERASURE}: earlier model files purged).
     */
    public static Outcome unlearn(Store store, UnlearningMethod<?> method, Map<String, String> overrides, ForgetKind kind,
                                  List<String> values, long seed, Device device, TrainListener listener) throws IOException {
        return unlearn(store, method, overrides, kind, values, seed, Terms.ERASURE, device, listener);
    }


    /**
     * Runs {@code method} on the current model and makes the result the next version. The records
     * earlier requests forgot are left out of every set the method sees ({@link StoreData}); the matched
     * records (and, for records and subjects, the person's held-out rows) join the tombstones. The new
     * model file is written and made durable, then the manifest is switched in one atomic step, then every
     * model file the new manifest no longer justifies is purged ({@link ModelFiles}): unless
     * {@link Terms#keepPrevious} (a repair that wants the earlier versions), no model trained on the forgotten
     * records stays on disk. A purge that a crash interrupted is finished by the next run.
     */
    public static Outcome unlearn(Store store, UnlearningMethod<?> method, Map<String, String> overrides, ForgetKind kind,
                                  List<String> values, long seed, Terms terms, Device device, TrainListener listener) throws IOException {
        MethodOptions.parse(method, overrides); // fail on bad options before any work
        boolean keepPrevious = terms.keepPrevious();
        boolean poisoned = terms.poisoned();
        try (StoreLock lock = StoreLock.acquire(store)) {
            IdDigest digest = KeyRotation.forWriting(store, null); // keys a store that has no key yet
            StoreManifest manifest = store.readManifest();
            if (manifest.usesSisa()) {
                throw new StoreException("this is a SISA store: forget exactly with 'lethe forget' (approximate methods run on single-model stores)");
            }
            List<String> purgedBefore = ModelFiles.purge(store); // what an interrupted run left
            TrainingHook hook = method.trainingHook();
            overrides = hook.unlearnOptions(overrides, manifest);
            String tokenizer = manifest.dataset().tokenizer();
            if (tokenizer != null && kind == ForgetKind.LABEL) {
                throw new IllegalArgumentException("this store holds a language model: its records have no class to forget;"
                        + " forget a subject (e.g. an author) or records instead");
            }
            if (poisoned && (tokenizer != null || kind == ForgetKind.LABEL)) {
                throw new IllegalArgumentException(tokenizer != null
                        ? "--poisoned is for a classifier's records (their labels must go); a language model's records have no label to remove"
                        : "--poisoned is for records or subjects whose labels are wrong; a forgotten class is already aimed at 0");
            }
            StoreData stored = StoreData.load(store);
            DatasetRef.Loaded data = stored.data();
            RecordSet train = data.train();
            Set<Integer> forget = RecordSelector.positions(train, kind, values);
            if (forget.isEmpty()) {
                throw new IllegalArgumentException("no training record matches " + kind.name().toLowerCase(Locale.ROOT) + " " + values
                        + ": nothing to unlearn" + (stored.excludedTrain() > 0
                        ? " (the " + stored.excludedTrain() + " records earlier requests forgot are left out)" : "")
                        + (kind == ForgetKind.SUBJECTS ? knownSubjects(train) : ""));
            }
            Set<Integer> forgetTest = kind == ForgetKind.LABEL ? Set.of() : RecordSelector.positions(data.test(), kind, values);
            RecordSet test = data.test().filter(data.test().name(), i -> !forgetTest.contains(i));
            // a classifier's strength is chosen on half the test split only; `lethe eval` also reports on the other half
            UnlearningData unlearningData = tokenizer == null
                    ? new UnlearningData(train.filter("forget", forget::contains), train.filter("retain", i -> !forget.contains(i)),
                    CalibrationSplit.calibration(test)).withPoisoned(poisoned)
                    : new UnlearningData(train.filter("forget", forget::contains), train.filter("retain", i -> !forget.contains(i)), test,
                    tokenizer);
            if (terms.keepWithin().isPresent()) {
                // an allowance that no calibration would use is a request misread: say so before any work
                StrengthCalibration.whyNotCalibrated(method, overrides, unlearningData).ifPresent(why -> {
                    throw new IllegalArgumentException("--keep-within is the allowance of a strength set from the data, and " + why
                            + ": drop --keep-within" + (method.strength().isPresent() ? ", or leave the strength to the data" : ""));
                });
            }
            TrainConfig original = TrainService.originalConfig(manifest);
            SingleModelVersion current = manifest.currentSingle();
            int version = manifest.currentVersion() + 1;
            String file = Store.modelFileName(version);
            Map<String, Double> metrics = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            forget.forEach(i -> ids.add(train.id(i)));
            List<String> forgotten = new ArrayList<>(ids);
            forgetTest.forEach(i -> forgotten.add(data.test().id(i)));
            String[] preparedState = new String[1];
            UnlearningReceipt receipt;
            try (ModelHandle model = StoredModel.loadCurrent(store, device);
                 Prepared prepared = hook.keptState(store, current, model, note -> preparedState[0] = note).orElse(null);
                 UnlearningRun run = UnlearningRun.run(method, overrides, model, unlearningData,
                         new UnlearningContext(seed, original, listener, new Cancellation()).withPrepared(prepared)
                                 .withKeepWithin(terms.keepWithin().orElse(StrengthCalibration.RETAIN_DROP)))) {
                run.model().save(store.root().resolve(file));
                Evaluator evaluator = new Evaluator();
                try (TensorData f = TensorData.of(unlearningData.forget(), run.model().manager());
                     TensorData t = TensorData.of(test, run.model().manager())) {
                    // the task's own metrics: accuracy for a classifier, token loss and perplexity for a language model
                    metrics.putAll(evaluator.metrics(run.model(), f).recorded("forget"));
                    if (t.size() > 0) {
                        metrics.putAll(evaluator.metrics(run.model(), t).recorded("test"));
                    }
                }
                metrics.put("unlearnSeconds", run.seconds());
                receipt = new UnlearningReceipt(preparedState[0], run.method(), run.guarantee().name().toLowerCase(Locale.ROOT),
                        run.options(), seed, run.seconds(), run.report().isEmpty() ? null : run.report(),
                        kind.name().toLowerCase(Locale.ROOT), ids.size(), digest.ofIds(ids), unlearningData.retain().size(),
                        stored.excludedTrain(), forgotten.size(), manifest.currentVersion(), version, keepPrevious,
                        // what an interrupted earlier run had left in models/
                        purgedBefore.isEmpty() ? null : purgedBefore, null);
            }
            CrashPoints.reach("unlearn-before-switch");
            String now = Instant.now().toString();
            String sha256 = Store.sha256(store.root().resolve(file));
            List<String> tombstones = Tombstones.of(manifest, digest).with(forgotten).sorted();
            // the receipt names what the purge after the switch deletes: every model file the new manifest does not justify
            SingleModelVersion draft = new SingleModelVersion(version, file, sha256, now, metrics, receipt);
            receipt = receipt.withPurged(ModelFiles.unjustified(store, manifest.withNewVersion(draft, null, null)));
            StoreManifest switched = manifest.withNewVersion(new SingleModelVersion(version, file, sha256, now, metrics, receipt), null, null)
                    .withTombstones(tombstones);
            store.writeReport("unlearn-v" + version + ".json", Map.of("receipt", receipt, "metrics", metrics));
            store.writeManifest(switched);
            CrashPoints.reach("unlearn-after-switch");
            List<String> purged = new ArrayList<>(purgedBefore);
            purged.addAll(ModelFiles.purge(store));
            return new Outcome(version, receipt, purged);
        }
    }

    /** A few of the subjects {@code train} holds, for an error about a subject it does not hold. */
    private static String knownSubjects(RecordSet train) {
        Set<String> subjects = new java.util.LinkedHashSet<>();
        for (int i = 0; i < train.size() && subjects.size() < KNOWN_SUBJECTS_SHOWN + 1; i++) {
            if (train.subject(i) != null) {
                subjects.add(train.subject(i));
            }
        }
        if (subjects.isEmpty()) {
            return "; this store's records have no subjects";
        }
        List<String> shown = subjects.stream().limit(KNOWN_SUBJECTS_SHOWN).toList();
        return "; known subjects: " + String.join(", ", shown) + (subjects.size() > shown.size() ? ", ..." : "");
    }

    /** Where the receipt of version {@code v} is written. */
    public static Path reportFile(Store store, int version) {
        return store.reportsDir().resolve("unlearn-v" + version + ".json");
    }
}
