package dev.lethe.torch.service;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.lethe.core.LetheVersion;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.store.ErasureHistory;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.TrainingSettings;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.method.TrainingHook;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.TrainLoop;
import dev.lethe.torch.train.TrainResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one model on loaded data into a new store: model file, manifest and a JSON report that
 * records the resolved config, seed, versions and data fingerprint. The CLI's {@code train} and
 * {@code demo} both call it.
 */
public final class TrainService {

    private TrainService() {
    }

    /**
     * What a training produced.
     *
     * @param store the store written
     * @param manifest its manifest
     * @param result the training run
     * @param train evaluation on the training records
     * @param test evaluation on the held-out records
     * @param report path of the JSON report
     * @param excludedEarlier records of the source left out because the store this one replaced had forgotten them
     */
    public record Outcome(Store store, StoreManifest manifest, TrainResult result, Evaluation train, Evaluation test, Path report,
                          int excludedEarlier) {
    }

    /** Trains {@code spec} with {@code config} on {@code data} into a store at {@code storeDir}. */
    public static Outcome train(Path storeDir, DatasetRef.Loaded data, ModelSpec spec, TrainConfig config, Device device,
                                TrainListener listener) throws IOException {
        return train(storeDir, data, spec, config, 0, false, device, listener);
    }

    /**
     * As {@link #train(Path, DatasetRef.Loaded, ModelSpec, TrainConfig, Device, TrainListener)}, replacing a
     * store with erasure history only when {@code replace} is set ({@link ErasureHistory}); its tombstones
     * carry over and the forgotten records are left out of {@code data} before training. With objective
     * perturbation σ when {@code perturbation > 0}: the registered method that needs it supplies the objective,
     * finishes the trained model and keeps its prepared state next to the model file ({@link TrainingHook}, today
     * certified removal: one-vs-rest, polished to the exact minimiser for a logreg with weight decay); the
     * manifest records σ so that removals can use it.
     */
    public static Outcome train(Path storeDir, DatasetRef.Loaded source, ModelSpec spec, TrainConfig config, double perturbation,
                                boolean replace, Device device, TrainListener listener) throws IOException {
        if (perturbation < 0 || !Double.isFinite(perturbation)) {
            throw new IllegalArgumentException("--perturbation must be >= 0, got " + perturbation);
        }
        try (StoreLock lock = StoreLock.ifStore(storeDir)) {
            return trainLocked(storeDir, source, spec, config, perturbation, replace, device, listener);
        }
    }

    /** {@link #train}, holding the lock of the store it replaces (if any) from reading its history to the new manifest. */
    private static Outcome trainLocked(Path storeDir, DatasetRef.Loaded source, ModelSpec spec, TrainConfig config, double perturbation,
                                       boolean replace, Device device, TrainListener listener) throws IOException {
        ErasureHistory history = ErasureHistory.read(storeDir);
        history.checkReplace(storeDir, replace);
        DatasetRef.Loaded data = history.tombstones().exclude(source);
        int excludedEarlier = source.train().size() + source.test().size() - data.train().size() - data.test().size();
        Store store = Store.create(storeDir);
        Engine engine = TorchRuntime.engine();
        try (ModelHandle model = ModelHandle.create(spec, config.seed(), device);
             TensorData train = TensorData.of(data.train(), model.manager());
             TensorData test = TensorData.of(data.test(), model.manager())) {
            TrainingHook hook = TrainingHook.forPerturbation(perturbation);
            var objective = hook.objective(config, perturbation, data.train().size()).orElse(Tasks.of(data.train()).objective());
            TrainResult result = new TrainLoop(config).listener(listener).run(model, train, objective);
            boolean finished = hook.finishes(model, config, perturbation);
            Map<String, Double> finishMetrics = finished ? hook.finish(model, data.train(), config, perturbation) : Map.of();
            Evaluator evaluator = new Evaluator();
            Evaluation trainEval = evaluator.evaluate(model, train);
            Evaluation testEval = evaluator.evaluate(model, test);

            String modelFile = Store.modelFileName(1);
            model.save(store.root().resolve(modelFile));
            String now = Instant.now().toString();
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("trainAccuracy", trainEval.accuracy());
            metrics.put("testAccuracy", testEval.accuracy());
            metrics.put("trainLoss", trainEval.meanLoss());
            metrics.put("testLoss", testEval.meanLoss());
            metrics.put("trainSeconds", result.seconds());
            TrainingSettings training = trainingConfig(config, device).withPerturbation(perturbation)
                    .withCarriedTombstones(history.tombstones().size());
            if (finished) {
                metrics.putAll(finishMetrics);
                metrics.putAll(hook.keepState(store.root(), modelFile, model, data.train(), config, perturbation));
            }
            StoreManifest manifest = StoreManifest.single(now, versions(engine), datasetInfo(data), modelInfo(spec, model),
                    training, new SingleModelVersion(1, modelFile, Store.sha256(store.root().resolve(modelFile)), now, metrics))
                    .withTombstones(history.tombstones().sorted(), history.digestKey());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kind", "train");
            report.put("manifest", manifest);
            report.put("excludedEarlier", excludedEarlier);
            report.put("epochLosses", result.epochLosses());
            report.put("samplesPerSecond", result.samplesPerSecond());
            report.put("train", EvaluationReport.of(trainEval));
            report.put("test", EvaluationReport.of(testEval));
            Path reportFile = store.writeReport("train-v1.json", report);
            // The manifest goes last: until it exists the folder is not a store, so a crash never
            // leaves a store that points at a model that was not written.
            store.writeManifest(manifest);
            KeyRotation.forWriting(store, null); // the store's key (secret.key, 0600) is made with the store
            return new Outcome(store, store.readManifest(), result, trainEval, testEval, reportFile, excludedEarlier);
        }
    }

    static StoreManifest.DatasetInfo datasetInfo(DatasetRef.Loaded data) {
        return new StoreManifest.DatasetInfo(data.ref(), data.fingerprint(), data.train().size(), data.test().size(),
                data.train().classNames());
    }

    static StoreManifest.ModelInfo modelInfo(ModelSpec spec, ModelHandle model) {
        return new StoreManifest.ModelInfo(spec.name(), spec.inputShape(), spec.numClasses(), model.parameterCount());
    }

    /** Versions of everything that determines the result, for manifests and reports. */
    public static Map<String, String> versions(Engine engine) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("lethe", LetheVersion.get());
        v.put("java", System.getProperty("java.version"));
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", engine.getVersion());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return v;
    }

    /** The resolved training configuration as the manifest records it, including the thread count that affects bits. */
    public static TrainingSettings trainingConfig(TrainConfig config, Device device) {
        return new TrainingSettings(config.epochs(), config.batchSize(), config.optimizer().name().toLowerCase(Locale.ROOT),
                config.learningRate(), config.momentum(), config.weightDecay(), config.seed(),
                Integer.getInteger("ai.djl.pytorch.num_threads", 0), device.toString()).withSchedule(config.schedule());
    }

    /** The training configuration a store's manifest records, as the training loop takes it. */
    public static TrainConfig originalConfig(StoreManifest manifest) {
        TrainingSettings t = manifest.training();
        return new TrainConfig(t.epochs(), t.batchSize(), OptimizerKind.valueOf(t.optimizer().toUpperCase(Locale.ROOT)),
                t.learningRate(), t.momentum(), t.weightDecay(), t.seed(), t.schedule());
    }
}
