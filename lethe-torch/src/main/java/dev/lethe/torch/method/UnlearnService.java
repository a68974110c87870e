package dev.lethe.torch.method;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.store.Store;
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
import org.apache.commons.codec.digest.DigestUtils;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
     */
    public record Outcome(int version, Map<String, Object> receipt) {
    }

    public static Outcome unlearn(Store store, UnlearningMethod<?> method, Map<String, String> overrides, ForgetKind kind,
                                  List<String> values, long seed, Device device, TrainListener listener) throws IOException {
        MethodOptions.parse(method, overrides); // fail on bad options before any work
        try (StoreLock lock = StoreLock.acquire(store)) {
            StoreManifest manifest = store.readManifest();
            if (manifest.usesSisa()) {
                throw new StoreException("this is a SISA store: forget exactly with 'lethe forget' (approximate methods run on single-model stores)");
            }
            overrides = certifiedDefaults(method, overrides, manifest);
            DatasetRef.Loaded data = StoredModel.loadData(store);
            RecordSet train = data.train();
            Set<Integer> forget = select(train, kind, values);
            if (forget.isEmpty()) {
                throw new IllegalArgumentException("no training record matches " + kind.name().toLowerCase(Locale.ROOT) + " " + values
                        + ": nothing to unlearn");
            }
            UnlearningData unlearningData = new UnlearningData(train.filter("forget", forget::contains),
                    train.filter("retain", i -> !forget.contains(i)), data.test());
            TrainConfig original = originalConfig(manifest);
            int version = manifest.currentVersion() + 1;
            String file = Store.modelFileName(version);
            Map<String, Object> receipt = new LinkedHashMap<>();
            Map<String, Double> metrics = new LinkedHashMap<>();
            try (ModelHandle model = StoredModel.loadCurrent(store, device);
                 Prepared prepared = certifiedState(store, manifest, method, model, receipt);
                 UnlearningRun run = UnlearningRun.run(method, overrides, model, unlearningData,
                         new UnlearningContext(seed, original, listener, new dev.lethe.torch.train.Cancellation()).withPrepared(prepared))) {
                run.model().save(store.root().resolve(file));
                Evaluator evaluator = new Evaluator();
                try (TensorData f = TensorData.of(unlearningData.forget(), run.model().manager());
                     TensorData t = TensorData.of(data.test(), run.model().manager())) {
                    Evaluation forgetEval = evaluator.evaluate(run.model(), f);
                    Evaluation testEval = evaluator.evaluate(run.model(), t);
                    metrics.put("forgetAccuracy", forgetEval.accuracy());
                    metrics.put("testAccuracy", testEval.accuracy());
                }
                metrics.put("unlearnSeconds", run.seconds());
                List<String> ids = new ArrayList<>();
                forget.forEach(i -> ids.add(train.id(i)));
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
                receipt.put("matchedDigest", matchedDigest(ids));
                receipt.put("fromVersion", manifest.currentVersion());
                receipt.put("modelVersion", version);
            }
            String now = Instant.now().toString();
            StoreManifest.ModelVersion next = new StoreManifest.ModelVersion(version, file, Store.sha256(store.root().resolve(file)), now,
                    metrics, null, null, List.of(), null, null, receipt);
            store.writeReport("unlearn-v" + version + ".json", Map.of("receipt", receipt, "metrics", metrics));
            store.writeManifest(manifest.withNewVersion(next, null, null));
            return new Outcome(version, receipt);
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
     * one after another method changed the model — is refused.
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
    /**
     * The digest a receipt keeps of the records a request matched: SHA-256 over the sorted ids joined by '\n'. Two
     * receipts with the same digest removed the same records (what {@code eval --reference} checks).
     */
    public static String matchedDigest(java.util.Collection<String> ids) {
        return DigestUtils.sha256Hex(String.join("\n", new TreeSet<>(ids)));
    }

    public static Set<Integer> select(RecordSet train, ForgetKind kind, List<String> values) {
        Set<String> wanted = new HashSet<>(values);
        int label = -1;
        if (kind == ForgetKind.LABEL) {
            label = train.classNames().indexOf(values.get(0));
            if (label < 0) {
                try {
                    label = Integer.parseInt(values.get(0));
                } catch (NumberFormatException e) {
                    label = -1;
                }
            }
            if (label < 0 || label >= train.numClasses()) {
                throw new IllegalArgumentException("label '" + values.get(0) + "' is not a class of this store; classes: " + train.classNames());
            }
        }
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < train.size(); i++) {
            boolean hit = switch (kind) {
                case RECORDS -> wanted.contains(train.id(i));
                case SUBJECTS -> train.subject(i) != null && wanted.contains(train.subject(i));
                case LABEL -> train.label(i) == label;
            };
            if (hit) {
                out.add(i);
            }
        }
        return out;
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
