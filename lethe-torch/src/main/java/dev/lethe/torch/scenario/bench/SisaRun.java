package dev.lethe.torch.scenario.bench;

import org.apache.commons.io.FileUtils;
import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.scenario.ScenarioData;
import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.torch.scenario.evidence.EnsembleClassifier;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.TrainListener;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Exact forgetting of a scenario's requests in a SISA ensemble (Bourtoule et al. 2021): trains a store
 * with S shards × R slices on the scenario's training set (uniform placement, mean-softmax aggregation,
 * {@code epochs} per slice), serves each request through the same {@link ForgetService} as
 * {@code lethe forget} (ledger, retraining of the affected shards from their first dirty slice, atomic
 * switch, purge) and measures the ensemble after each. The store is a scratch folder, deleted at the end.
 */
final class SisaRun {

    private final ScenarioBenchConfig config;
    private final ModelSpec spec;
    private final Path dir;
    private final DatasetRef.Loaded data;
    private final ScenarioData scenario;
    private final long seed;

    SisaRun(ScenarioBenchConfig config, ModelSpec spec, Path dir, DatasetRef.Loaded data, ScenarioData scenario, long seed) {
        this.config = config;
        this.spec = spec;
        this.dir = dir;
        this.data = data;
        this.scenario = scenario;
        this.seed = seed;
    }

    /**
     * What serving the requests cost and showed.
     *
     * @param evidence the ensemble's evidence after each request
     * @param seconds wall time of each request, from acceptance to receipt
     * @param facts the full SISA training time and the layout
     */
    record Served(List<MetricValues> evidence, List<Double> seconds, Map<String, Object> facts) {
    }

    /** Trains, serves every request and measures with {@code measure(classifier, request index)}. */
    Served run(BiFunction<Classifier, Integer, MetricValues> measure) throws IOException {
        FileUtils.deleteDirectory(dir.toFile());
        Device device = TorchRuntime.device(config.device());
        SisaConfig sisa = new SisaConfig(new ShardPlan(config.sisa().shards(), config.sisa().slices(), Assignment.UNIFORM, seed), spec,
                config.train(seed), Aggregation.MEAN_SOFTMAX, config.threads());
        DatasetRef.Loaded trainingData = new DatasetRef.Loaded(data.ref(), scenario.train(), scenario.test(),
                DigestUtils.sha256Hex(scenario.train().fingerprint() + "\n" + scenario.test().fingerprint()));
        try {
            SisaService.Outcome trained = SisaService.train(dir.resolve("store"), trainingData, sisa, device, TrainListener.NONE, e -> {
            });
            ForgetService forget = new ForgetService(trained.store(), device);
            List<MetricValues> evidence = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            for (int k = 0; k < scenario.steps(); k++) {
                long start = System.nanoTime();
                forget.accept(new RequestSpec(ForgetKind.RECORDS, scenario.requests().get(k).ids(), "scenario benchmark", null),
                        SisaService.LOCAL_PRINCIPAL);
                forget.process();
                seconds.add((System.nanoTime() - start) / 1e9);
                try (SisaEnsemble ensemble = SisaService.loadEnsemble(trained.store(), device)) {
                    evidence.add(measure.apply(new EnsembleClassifier(ensemble), k));
                }
            }
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("layout", config.sisa().toString());
            facts.put("trainSeconds", trained.seconds());
            facts.put("initialTestAccuracy", trained.test().accuracy());
            return new Served(evidence, seconds, facts);
        } finally {
            FileUtils.deleteDirectory(dir.toFile());
            deleteIfEmpty(dir.getParent());
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
    }
}
