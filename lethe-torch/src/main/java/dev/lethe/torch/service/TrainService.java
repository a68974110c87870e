package dev.lethe.torch.service;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.lethe.core.CodeDigest;
import dev.lethe.core.LetheVersion;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.Tokenizer;
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
import dev.lethe.torch.task.TaskMetrics;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one model on loaded data into a new store: model file, manifest and a JSON report that
 * records the resolved config, seed, versions and data fingerprint. The CLI's {@code train}, {@code demo}
 * and {@code lm train} call it. The model is evaluated with its task's own metrics ({@link TaskMetrics}):
 * accuracy and loss for a classifier, token loss and perplexity for a language model, whose store also
 * records the tokenizer its token ids came from.
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
     * @param trainMetrics the task's metrics on the training records
     * @param testMetrics the task's metrics on the held-out records
     * @param train the classification view of the training records (per class, confusion); null for a language model
     * @param test the classification view of the held-out records; null for a language model
     * @param report path of the JSON report
     * @param excludedEarlier records of the source left out because the store this one replaced had forgotten them
     */
    public record Outcome(Store store, StoreManifest manifest, TrainResult result, TaskMetrics trainMetrics, TaskMetrics testMetrics,
                          Evaluation train, Evaluation test, Path report, int excludedEarlier) {
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
        return train(storeDir, source, spec, config, perturbation, replace, null, device, listener);
    }

    /**
     * As {@link #train(Path, DatasetRef.Loaded, ModelSpec, TrainConfig, double, boolean, Device, TrainListener)}, for data of
     * any task: {@code tokenizer} is the one a language model's token records were made with (the store records its name),
     * null for a classifier's data.
     */
    public static Outcome train(Path storeDir, DatasetRef.Loaded source, ModelSpec spec, TrainConfig config, double perturbation,
                                boolean replace, Tokenizer tokenizer, Device device, TrainListener listener) throws IOException {
        if (perturbation < 0 || !Double.isFinite(perturbation)) {
            throw new IllegalArgumentException("--perturbation must be >= 0, got " + perturbation);
        }
        boolean tokens = source.train().content() instanceof TokenSequences;
        if (tokens != (tokenizer != null)) {
            throw new IllegalArgumentException(tokens
                    ? source.train().name() + " holds token sequences, a language model's data: train it with the tokenizer their ids"
                    + " came from ('lethe lm train', or 'lethe train --sisa')"
                    : source.train().name() + " is a classifier's data: a tokenizer applies to a language model's text only");
        }
        try (StoreLock lock = StoreLock.ifStore(storeDir)) {
            return trainLocked(storeDir, source, spec, config, perturbation, replace, tokenizer, device, listener);
        }
    }

    /** {@link #train}, holding the lock of the store it replaces (if any) from reading its history to the new manifest. */
    private static Outcome trainLocked(Path storeDir, DatasetRef.Loaded source, ModelSpec spec, TrainConfig config, double perturbation,
                                       boolean replace, Tokenizer tokenizer, Device device, TrainListener listener) throws IOException {
        ErasureHistory history = ErasureHistory.read(storeDir);
        history.checkReplace(storeDir, replace);
        DatasetRef.Loaded data = history.tombstones().exclude(source);
        int excludedEarlier = source.train().size() + source.test().size() - data.train().size() - data.test().size();
        Store store = Store.create(storeDir);
        StoreManifest.StoredFile graph = TorchScriptTemplates.keep(store, spec, config.seed()); // a user's architecture, for fresh copies later
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
            TaskMetrics trainMetrics = evaluator.metrics(model, train);
            TaskMetrics testMetrics = evaluator.metrics(model, test);
            boolean classifier = tokenizer == null;
            Evaluation trainEval = classifier ? evaluator.evaluate(model, train) : null;
            Evaluation testEval = classifier ? evaluator.evaluate(model, test) : null;

            String modelFile = Store.modelFileName(1);
            model.save(store.root().resolve(modelFile));
            String now = Instant.now().toString();
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (classifier) {
                metrics.put("trainAccuracy", trainEval.accuracy());
                metrics.put("testAccuracy", testEval.accuracy());
                metrics.put("trainLoss", trainEval.meanLoss());
                metrics.put("testLoss", testEval.meanLoss());
            } else {
                metrics.putAll(trainMetrics.recorded("train"));
                metrics.putAll(testMetrics.recorded("test"));
            }
            metrics.put("trainSeconds", result.seconds());
            TrainingSettings training = trainingConfig(config, device).withPerturbation(perturbation)
                    .withCarriedTombstones(history.tombstones().size());
            if (finished) {
                metrics.putAll(finishMetrics);
                metrics.putAll(hook.keepState(store.root(), modelFile, model, data.train(), config, perturbation));
            }
            StoreManifest manifest = StoreManifest.single(now, versions(engine), datasetInfo(data, tokenizer), modelInfo(spec, model).withGraph(graph),
                    training, new SingleModelVersion(1, modelFile, Store.sha256(store.root().resolve(modelFile)), now, metrics))
                    .withTombstones(history.tombstones().sorted(), history.digestKey());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kind", "train");
            report.put("manifest", manifest);
            report.put("excludedEarlier", excludedEarlier);
            report.put("epochLosses", result.epochLosses());
            report.put("samplesPerSecond", result.samplesPerSecond());
            report.put("train", classifier ? EvaluationReport.of(trainEval) : trainMetrics);
            report.put("test", classifier ? EvaluationReport.of(testEval) : testMetrics);
            Path reportFile = store.writeReport("train-v1.json", report);
            // The manifest goes last: until it exists the folder is not a store, so a crash never
            // leaves a store that points at a model that was not written.
            store.writeManifest(manifest);
            KeyRotation.forWriting(store, null); // the store's key (secret.key, 0600) is made with the store
            return new Outcome(store, store.readManifest(), result, trainMetrics, testMetrics, trainEval, testEval, reportFile,
                    excludedEarlier);
        }
    }

    static StoreManifest.DatasetInfo datasetInfo(DatasetRef.Loaded data, Tokenizer tokenizer) {
        return new StoreManifest.DatasetInfo(data.ref(), data.fingerprint(), data.train().size(), data.test().size(),
                tokenizer == null ? data.train().classNames() : List.of(), tokenizer == null ? null : tokenizer.name(),
                tokenizer == null ? data.encoding() : null);
    }

    static StoreManifest.ModelInfo modelInfo(ModelSpec spec, ModelHandle model) {
        return new StoreManifest.ModelInfo(spec.name(), spec.inputShape(), spec.numClasses(), model.parameterCount());
    }

    /**
     * Versions of everything that determines the result, for manifests and reports; {@code code} is the digest of
     * lethe-core's and lethe-torch's compiled code ({@link CodeDigest}), which tells builds of one version apart.
     */
    public static Map<String, String> versions(Engine engine) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("lethe", LetheVersion.get());
        v.put("code", CodeDigest.of(LetheVersion.class, TrainService.class));
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
