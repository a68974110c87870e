package dev.lethe.torch.scenario.bench;

import ai.djl.Device;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.RecordSamples;
import dev.lethe.torch.method.Retrain;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.scenario.BackdoorScenario;
import dev.lethe.torch.scenario.Scenario;
import dev.lethe.torch.scenario.ScenarioData;
import dev.lethe.torch.eval.metric.Classifier;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.eval.metric.ModelClassifier;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.scenario.evidence.ReferenceGaps;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario harness (a generalisation of {@code MethodBenchmark}): for every seed, build the
 * scenario, train the original model once, retrain the reference on the retain set, run every method
 * on the same original model and the same requests (sequential scenarios: each request on the previous
 * result), optionally serve the same requests by exact forgetting in a SISA ensemble ({@link SisaRun}),
 * and measure everything with the same {@link UnlearningMetric}s and {@link ReferenceGaps}.
 *
 * <p>The scenario's test set is split in two seeded halves ({@link #splitTest}): the methods get one as their validation
 * records ({@link UnlearningData#validation()}: a calibrated method chooses its strength on them), and every figure is
 * measured on the other. Measured on the records a method chose by, its test accuracy would be its own selection's.
 *
 * <p>Each (seed, method) result is written to the {@link RunFolder} as soon as it is finished; a rerun
 * with the same configuration reuses finished results, and the saved original and reference models,
 * so an interrupted run resumes where it stopped and a finished run is not redone.
 */
public final class ScenarioBench {

    private final ScenarioBenchConfig config;
    private final List<UnlearningMetric> probes;
    private final ReferenceGaps gaps;
    private final BenchListener listener;

    /**
     * @param config what to run
     * @param probes the evidence measured on every model (see {@link dev.lethe.torch.scenario.evidence.EvidenceProbes#all()})
     * @param gaps which figures are compared with the reference
     * @param listener progress
     */
    public ScenarioBench(ScenarioBenchConfig config, List<UnlearningMetric> probes, ReferenceGaps gaps, BenchListener listener) {
        this.config = config;
        this.probes = List.copyOf(probes);
        this.gaps = gaps;
        this.listener = listener;
    }

    /**
     * What a run produced.
     *
     * @param folder the run folder
     * @param config the resolved configuration and data fingerprint, as in {@code config.json}
     * @param data the loaded data
     * @param results every (seed, method) result, seeds in order, {@code original} and {@code retrain} first
     * @param computed how many results this call computed
     * @param reused how many came from an earlier run
     */
    public record Outcome(RunFolder folder, Map<String, Object> config, DatasetRef.Loaded data, List<MethodResult> results, int computed, int reused) {
    }

    /** The resolved configuration and the data fingerprint: what {@code config.json} holds and the config hash covers. */
    public static Map<String, Object> configDocument(ScenarioBenchConfig config, Scenario scenario, DatasetRef.Loaded data,
                                                     List<UnlearningMetric> probes, ReferenceGaps gaps) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("config", config);
        doc.put("scenarioParameters", scenario.parameters());
        doc.put("probes", probes.stream().map(UnlearningMetric::name).toList());
        doc.put("gapFigures", gaps.figures());
        doc.put("dataFingerprint", data.fingerprint());
        doc.put("testSplit", "the test set in two seeded halves per seed: the methods' validation records, and the records every figure is measured on");
        if (scenario.name().equals(BackdoorScenario.NAME)) {
            doc.put("forgetAim", "poisoned: the identified poisons' labels must leave the model (a strength set from the data aims their accuracy at 0)");
        }
        return doc;
    }

    /**
     * The test set's two halves for one seed, by a seeded permutation: {@code [0]} the methods' validation records,
     * {@code [1]} the records the figures are measured on (the larger half when the size is odd).
     */
    static RecordSet[] splitTest(RecordSet test, long seed) {
        return RecordSamples.halves(test, Seeds.derive(seed, "test-split"), "validation", "measured");
    }

    /** Runs (or resumes) the comparison in {@code out}. */
    public Outcome run(Path out) throws IOException {
        Scenario scenario = config.scenario().create();
        DatasetRef.Loaded data = config.dataset().load();
        ModelSpec spec = ModelSpec.parse(config.model(), data.train().featureShape(), data.train().numClasses());
        Map<String, Object> document = configDocument(config, scenario, data, probes, gaps);
        RunFolder folder = RunFolder.open(out, document);
        List<String> rows = new ArrayList<>();
        rows.add(MethodResult.ORIGINAL);
        rows.addAll(config.methods());
        if (config.sisa() != null) {
            rows.add(MethodResult.SISA);
        }
        listener.onPlan(rows.size() * config.seeds().size());
        List<MethodResult> results = new ArrayList<>();
        int[] counts = new int[2];
        for (long seed : config.seeds()) {
            ScenarioData d = scenario.build(data.train(), data.test(), seed);
            new SeedRun(folder, spec, d, seed, data, rows, results, counts).run();
        }
        return new Outcome(folder, document, data, results, counts[0], counts[1]);
    }

    /** One seed: the original, the references, every method and SISA, each skipped when already finished. */
    private final class SeedRun {

        private final RunFolder folder;
        private final ModelSpec spec;
        private final ScenarioData d;
        private final long seed;
        private final DatasetRef.Loaded data;
        private final List<String> rows;
        private final List<MethodResult> results;
        private final int[] counts;
        private final List<RecordSet> forgotten = new ArrayList<>();
        private final List<RecordSet> retained = new ArrayList<>();
        private final TrainConfig train;
        /** The methods' validation records: half of the test set. */
        private final RecordSet validation;
        /** The records every figure is measured on: the other half. */
        private final RecordSet measured;

        SeedRun(RunFolder folder, ModelSpec spec, ScenarioData d, long seed, DatasetRef.Loaded data, List<String> rows,
                List<MethodResult> results, int[] counts) {
            this.folder = folder;
            this.spec = spec;
            this.d = d;
            this.seed = seed;
            this.data = data;
            this.rows = rows;
            this.results = results;
            this.counts = counts;
            this.train = config.train(seed);
            RecordSet[] halves = splitTest(d.test(), seed);
            this.validation = halves[0];
            this.measured = halves[1];
            for (int k = 0; k < d.steps(); k++) {
                forgotten.add(d.steps() == 1 ? d.forget() : d.forgottenAfter(k));
                retained.add(d.steps() == 1 ? d.retain() : d.retainedAfter(k));
            }
        }

        void run() throws IOException {
            Map<String, MethodResult> done = new LinkedHashMap<>();
            for (String row : rows) {
                folder.result(seed, row).ifPresent(r -> done.put(row, r));
            }
            if (done.size() == rows.size()) {
                rows.forEach(row -> reused(done.get(row)));
                return;
            }
            List<ModelHandle> references = new ArrayList<>();
            double[] trainSeconds = new double[1];
            try (ModelHandle original = original(trainSeconds)) {
                boolean haveReference = done.containsKey(Retrain.NAME) && referencesSaved();
                List<Double> retrainSeconds = haveReference ? loadReferences(original, references) : trainReferences(original, references);
                Measure measure = new Measure(new ModelClassifier(original), references);
                emit(done.get(MethodResult.ORIGINAL), () -> measure.original(trainSeconds[0]));
                MethodResult reference = done.containsKey(Retrain.NAME) ? done.get(Retrain.NAME) : measure.referenceResult(retrainSeconds);
                emit(done.get(Retrain.NAME), () -> reference);
                for (String method : config.methods()) {
                    if (!method.equals(Retrain.NAME)) {
                        emit(done.get(method), () -> runMethod(method, original, measure, reference.seconds()));
                    }
                }
                if (config.sisa() != null) {
                    emit(done.get(MethodResult.SISA), () -> {
                        listener.onTask("seed " + seed + ": SISA " + config.sisa());
                        SisaRun.Served served = new SisaRun(config, spec, folder.workDir(seed), data, d, seed).run(measure::step);
                        return measure.assemble(MethodResult.SISA, served.evidence(), served.seconds(), reference.seconds(), served.facts());
                    });
                }
            } finally {
                references.forEach(ModelHandle::close);
            }
        }

        private boolean referencesSaved() {
            for (int k = 0; k < d.steps(); k++) {
                if (!Files.isRegularFile(referenceFile(k))) {
                    return false;
                }
            }
            return true;
        }

        private Path referenceFile(int k) {
            return folder.modelFile(seed, Retrain.NAME + "-step-" + (k + 1));
        }

        /** The original model, loaded when an earlier run saved it (its training time is then unknown: NaN), else trained and saved. */
        private ModelHandle original(double[] seconds) throws IOException {
            Path file = folder.modelFile(seed, MethodResult.ORIGINAL);
            Device device = TorchRuntime.device(config.device());
            if (Files.isRegularFile(file)) {
                seconds[0] = Double.NaN;
                return ModelHandle.load(file, device);
            }
            listener.onTask("seed " + seed + ": training the original model");
            ModelHandle model = ModelHandle.create(spec, Seeds.derive(seed, "original-init"), device);
            long start = System.nanoTime();
            try (TensorData all = TensorData.of(d.train(), model.manager())) {
                new TrainLoop(train).run(model, all, Objectives.crossEntropy());
            }
            seconds[0] = (System.nanoTime() - start) / 1e9;
            Files.createDirectories(file.getParent());
            model.save(file);
            return model;
        }

        private List<Double> loadReferences(ModelHandle original, List<ModelHandle> models) throws IOException {
            for (int k = 0; k < d.steps(); k++) {
                models.add(ModelHandle.load(referenceFile(k), original.device()));
            }
            return null;
        }

        /** Retrains the reference of every step from scratch on what remains then, saves it, and returns the times. */
        private List<Double> trainReferences(ModelHandle original, List<ModelHandle> models) throws IOException {
            listener.onTask("seed " + seed + ": " + Retrain.NAME);
            List<Double> seconds = new ArrayList<>();
            for (int k = 0; k < d.steps(); k++) {
                try (UnlearningRun run = UnlearningRun.run(UnlearningMethods.get(Retrain.NAME), Map.of(), original, unlearningData(k),
                        context(k))) {
                    Files.createDirectories(referenceFile(k).getParent());
                    run.model().save(referenceFile(k));
                    models.add(run.model().copy());
                    seconds.add(run.seconds());
                }
            }
            return seconds;
        }

        /** Applies {@code method} to each request in turn, each time to the previous result; a refusal becomes a failed result. */
        private MethodResult runMethod(String method, ModelHandle original, Measure measure, double retrainSeconds) {
            listener.onTask("seed " + seed + ": " + method);
            List<Double> seconds = new ArrayList<>();
            List<MetricValues> evidence = new ArrayList<>();
            List<Map<String, Object>> calibrations = new ArrayList<>();
            ModelHandle current = original;
            try {
                for (int k = 0; k < d.steps(); k++) {
                    ModelHandle next;
                    UnlearningMethod<?> chosen = UnlearningMethods.get(method);
                    try (UnlearningRun run = UnlearningRun.run(chosen, MethodOptions.addressedTo(chosen, config.options()), current,
                            unlearningData(k), context(k))) {
                        seconds.add(run.seconds());
                        next = run.model().copy();
                        calibrations.add(run.report().get(method + ".calibration") instanceof Map<?, ?> receipt ? calibrationFact(receipt) : null);
                    }
                    if (current != original) {
                        current.close();
                    }
                    current = next;
                    evidence.add(measure.step(new ModelClassifier(current), k));
                }
                // a row is read with its strength: which value the calibration chose, and whether it met its bounds or kept the
                // model; a sequential run has one entry per request (null where the request was not calibrated)
                Map<String, Object> facts = calibrations.stream().allMatch(java.util.Objects::isNull) ? Map.of()
                        : Map.of("calibration", d.steps() == 1 ? calibrations.get(0) : calibrations);
                return measure.assemble(method, evidence, seconds, retrainSeconds, facts);
            } catch (RuntimeException e) {
                return MethodResult.failed(seed, method, e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                if (current != original) {
                    current.close();
                }
            }
        }

        /** A calibration receipt without its trials: the option, the value used, whether it met the bounds, the fallback and any retry. */
        private static Map<String, Object> calibrationFact(Map<?, ?> receipt) {
            Map<String, Object> fact = new LinkedHashMap<>();
            for (String key : List.of("option", "value", "met", "fallback", "retryOption", "retryValue")) {
                if (receipt.get(key) != null) {
                    fact.put(key, receipt.get(key));
                }
            }
            return fact;
        }

        private UnlearningData unlearningData(int k) {
            // a backdoor's forget records are its identified poisons: the request says so, as `lethe unlearn --poisoned` does
            return new UnlearningData(d.requests().get(k), retained.get(k), validation).withPoisoned(d.scenario().equals(BackdoorScenario.NAME));
        }

        private UnlearningContext context(int k) {
            return UnlearningContext.of(Seeds.derive(seed, "unlearn", k), train).withKeepWithin(config.allowance());
        }

        private int targetClass() {
            Object target = d.facts().get("targetClass");
            return target == null ? -1 : d.train().classNames().indexOf(target.toString());
        }

        private void emit(MethodResult existing, ResultSupplier compute) throws IOException {
            if (existing != null) {
                reused(existing);
                return;
            }
            MethodResult r = compute.get();
            folder.write(r);
            results.add(r);
            counts[0]++;
            listener.onDone("seed " + seed + ": " + r.method(), false);
        }

        private void reused(MethodResult r) {
            results.add(r);
            counts[1]++;
            listener.onDone("seed " + seed + ": " + r.method(), true);
        }

        /** One seed's measurements: the probes on a classifier after request k, with gaps to that step's reference and drift. */
        private final class Measure {

            private final Classifier original;
            private final List<Classifier> references = new ArrayList<>();
            private final List<Map<String, Double>> referenceFigures = new ArrayList<>();
            private final double originalTestAccuracy;

            Measure(Classifier original, List<ModelHandle> referenceModels) {
                this.original = original;
                referenceModels.forEach(m -> references.add(new ModelClassifier(m)));
                for (int k = 0; k < d.steps(); k++) {
                    referenceFigures.add(probe(references.get(k), k).figures());
                }
                this.originalTestAccuracy = probe(original, 0).figures().get("test-acc");
            }

            private MetricValues probe(Classifier subject, int k) {
                MetricInput context = new MetricInput(subject, original, references.get(k), forgotten.get(k), retained.get(k), measured,
                        d.attackTest(), targetClass(), seed, train);
                MetricValues e = MetricValues.empty();
                for (UnlearningMetric p : probes) {
                    e = e.and(p.measure(context));
                }
                return e;
            }

            /** The figures and curves of {@code subject} after request {@code k}, with gaps and {@code test-acc-drift}. */
            MetricValues step(Classifier subject, int k) {
                MetricValues e = probe(subject, k);
                Map<String, Double> f = new LinkedHashMap<>(e.figures());
                f.putAll(gaps.of(e.figures(), referenceFigures.get(k)));
                if (f.containsKey("test-acc")) {
                    f.put("test-acc-drift", f.get("test-acc") - originalTestAccuracy);
                }
                return new MetricValues(f, e.curves());
            }

            MethodResult original(double trainSeconds) {
                MetricValues e = step(original, d.steps() - 1);
                Map<String, Double> f = new LinkedHashMap<>(e.figures());
                if (Double.isFinite(trainSeconds)) {
                    f.put("seconds", trainSeconds);
                }
                return new MethodResult(seed, MethodResult.ORIGINAL, trainSeconds, f, e.curves(), List.of(), d.facts(), null);
            }

            MethodResult referenceResult(List<Double> seconds) {
                List<MetricValues> evidence = new ArrayList<>();
                for (int k = 0; k < d.steps(); k++) {
                    evidence.add(step(references.get(k), k));
                }
                return assemble(Retrain.NAME, evidence, seconds, Double.NaN, Map.of());
            }

            /** A result from each request's evidence and time; {@code retrainSeconds} NaN for the reference itself. */
            MethodResult assemble(String method, List<MetricValues> evidence, List<Double> seconds, double retrainSeconds, Map<String, Object> facts) {
                List<StepResult> steps = new ArrayList<>();
                double total = 0;
                for (int k = 0; k < evidence.size(); k++) {
                    total += seconds.get(k);
                    steps.add(new StepResult(k + 1, forgotten.get(k).size(), seconds.get(k), total, evidence.get(k).figures()));
                }
                MetricValues last = evidence.get(evidence.size() - 1);
                Map<String, Double> f = new LinkedHashMap<>(last.figures());
                f.put("seconds", total);
                f.put("retrain-share", Double.isNaN(retrainSeconds) ? 1.0 : total / retrainSeconds);
                return new MethodResult(seed, method, total, f, last.curves(), steps, facts, null);
            }
        }
    }

    /** A result computation that may do I/O. */
    @FunctionalInterface
    private interface ResultSupplier {
        MethodResult get() throws IOException;
    }
}
