package dev.lethe.torch.service;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.TrainingSettings;
import dev.lethe.core.keys.KeyRotation;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.TorchScriptModules;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Brings a model trained elsewhere — a TorchScript module from Python PyTorch — into a new single-model store with its
 * data set, as if Lethe had trained it: model file (version 1), manifest, report. Everything is checked before anything
 * is written: the module must load, take the data's input shape and return one logit per class
 * ({@link TorchScriptModules#open}), so a wrong or corrupt file leaves no store behind.
 *
 * <p>The manifest records the module file's SHA-256 (the model's name, {@code torchscript:<sha256>}) and the training
 * settings the user states for it (methods fine-tune with its batch size and rate; a retraining reference uses all of
 * it). The store also keeps the module's graph for fresh copies ({@link TorchScriptTemplates}).
 */
public final class ImportService {

    private ImportService() {
    }

    /**
     * Imports {@code moduleFile} with {@code data} into a new store at {@code storeDir}; {@code config} is how the module was
     * trained, as far as the user knows it.
     *
     * @throws IllegalArgumentException when the module is not a classifier for the data (nothing is written)
     * @throws StoreException when {@code storeDir} is already a store or a non-empty folder
     */
    public static TrainService.Outcome importModule(Path storeDir, DatasetRef.Loaded data, Path moduleFile, TrainConfig config, Device device)
            throws IOException {
        if (!Files.isRegularFile(moduleFile)) {
            throw new NoSuchFileException(moduleFile.toString(), null, "no such TorchScript file");
        }
        if (Files.isDirectory(storeDir)) {
            try (var entries = Files.list(storeDir)) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException(storeDir + " is not empty: import into a new folder (an existing store keeps its own model)");
                }
            }
        }
        byte[] module = Files.readAllBytes(moduleFile);
        long start = System.nanoTime();
        try (ModelHandle model = TorchScriptModules.open(module, moduleFile.toString(), data.train().featureShape(), data.train().numClasses(), device);
             TensorData train = TensorData.of(data.train(), model.manager());
             TensorData test = TensorData.of(data.test(), model.manager())) {
            Evaluator evaluator = new Evaluator();
            Evaluation trainEval = evaluator.evaluate(model, train);
            Evaluation testEval = evaluator.evaluate(model, test);
            String digest = TorchScriptModules.digest(module);

            Store store = Store.create(storeDir);
            StoreManifest.StoredFile graph = TorchScriptTemplates.keep(store, model.spec(), config.seed());
            String modelFile = Store.modelFileName(1);
            model.save(store.root().resolve(modelFile));
            String now = Instant.now().toString();
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("trainAccuracy", trainEval.accuracy());
            metrics.put("testAccuracy", testEval.accuracy());
            metrics.put("trainLoss", trainEval.meanLoss());
            metrics.put("testLoss", testEval.meanLoss());
            metrics.put("importSeconds", (System.nanoTime() - start) / 1e9);
            TrainingSettings training = TrainService.trainingConfig(config, device);
            StoreManifest manifest = StoreManifest.single(now, TrainService.versions(TorchRuntime.engine()),
                    TrainService.datasetInfo(data, null), TrainService.modelInfo(model.spec(), model).withGraph(graph), training,
                    new SingleModelVersion(1, modelFile, Store.sha256(store.root().resolve(modelFile)), now, metrics));
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kind", "import");
            report.put("module", moduleFile.toAbsolutePath().toString());
            report.put("moduleSha256", digest);
            report.put("manifest", manifest);
            report.put("train", EvaluationReport.of(trainEval));
            report.put("test", EvaluationReport.of(testEval));
            Path reportFile = store.writeReport("import-v1.json", report);
            store.writeManifest(manifest); // last: until it exists the folder is not a store
            KeyRotation.forWriting(store, null);
            return new TrainService.Outcome(store, store.readManifest(), null, evaluator.metrics(model, train), evaluator.metrics(model, test),
                    trainEval, testEval, reportFile, 0);
        }
    }
}
