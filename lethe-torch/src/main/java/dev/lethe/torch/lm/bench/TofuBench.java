package dev.lethe.torch.lm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.torch.scenario.bench.BenchListener;
import dev.lethe.torch.scenario.bench.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TOFU benchmark harness ({@code lethe bench tofu}): the reference rows first, as OpenUnlearning's
 * tables have them — the model trained on everything ({@value TofuRow#FULL}), the retain-only model
 * (seed A, {@value TofuRow#RETAIN}), a second retain-only model (seed B, {@value TofuRow#NOISE_FLOOR}: how far
 * two exact retrains are apart) and the suppression-only baseline ({@value TofuRow#SUPPRESSION}) — then every
 * method applied to a copy of the full model. Each model is evaluated into its own folder
 * ({@code evals/NAME/TOFU_EVAL.json}, {@code TOFU_SUMMARY.json}) with forget quality and PrivLeak against the
 * retain model's log; the suppression baseline and every method also get the removal evidence, and each
 * method's unlearning alone is timed.
 *
 * <p>Resumable like {@code bench scenario}: the run folder ({@link RunFolder}) is keyed by the hash of the
 * configuration and the data fingerprint; each finished row is written at once to {@code results/NAME.json}
 * and reused by a rerun, and the three trained reference models are saved under {@code models/} and loaded
 * instead of retrained, so a killed run continues where it stopped.
 *
 * @param <M> the model handle of the steps
 */
public final class TofuBench<M extends AutoCloseable> {

    private final TofuBenchConfig config;
    private final TofuBenchSteps<M> steps;
    private final BenchListener listener;
    private final Path references;

    /**
     * @param config what to run
     * @param steps how each step is done
     * @param listener progress, one task per row
     */
    public TofuBench(TofuBenchConfig config, TofuBenchSteps<M> steps, BenchListener listener) {
        this(config, steps, listener, null);
    }

    /**
     * @param config what to run
     * @param steps how each step is done
     * @param listener progress, one task per row
     * @param references another run folder whose reference rows (and saved models) this run takes instead of training
     *                   them ({@link TofuReferences}), or null
     */
    public TofuBench(TofuBenchConfig config, TofuBenchSteps<M> steps, BenchListener listener, Path references) {
        this.config = config;
        this.steps = steps;
        this.listener = listener;
        this.references = references;
    }

    /**
     * What a run produced.
     *
     * @param folder the run folder
     * @param config the resolved configuration and data fingerprint, as in {@code config.json}
     * @param rows every row in table order: the reference rows, then the methods in the configured order
     * @param computed how many rows this call computed
     * @param reused how many came from an earlier run
     */
    public record Outcome(RunFolder folder, Map<String, Object> config, List<TofuRow> rows, int computed, int reused) {
    }

    /** The resolved configuration and the data fingerprint: what {@code config.json} holds and the config hash covers. */
    public static Map<String, Object> configDocument(TofuBenchConfig config, String dataFingerprint) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "tofu");
        doc.put("config", config);
        doc.put("noiseFloorSeed", config.noiseFloorSeed());
        doc.put("referenceRows", TofuRow.REFERENCE_NAMES);
        doc.put("dataFingerprint", dataFingerprint);
        return doc;
    }

    /** Where a run folder keeps row {@code name}'s result, relative to the folder: its presence marks the row finished. */
    static Path resultPath(String name) {
        return Path.of("results", name + ".json");
    }

    /** Where a run folder keeps row {@code name}'s evaluation logs, relative to the folder. */
    static Path evalPath(String name) {
        return Path.of("evals", name);
    }

    /** Runs (or resumes) the benchmark in {@code out}. */
    public Outcome run(Path out) throws Exception {
        Map<String, Object> document = configDocument(config, steps.dataFingerprint());
        RunFolder folder = RunFolder.open(out, document);
        if (references != null) {
            List<String> taken = TofuReferences.copy(references, folder, document, config.seed());
            if (!taken.isEmpty()) {
                listener.onTask("reference rows taken from " + references + ": " + String.join(", ", taken));
            }
        }
        return new Run(out, folder, document).run();
    }

    /** One call's walk over the rows: reuse what is finished, compute the rest. */
    private final class Run {

        private final Path out;
        private final RunFolder folder;
        private final Map<String, Object> document;
        private final List<String> order = new ArrayList<>(TofuRow.REFERENCE_NAMES);
        private final Map<String, TofuRow> rows = new LinkedHashMap<>();
        private int computed;
        private int reused;

        Run(Path out, RunFolder folder, Map<String, Object> document) {
            this.out = out;
            this.folder = folder;
            this.document = document;
            order.addAll(config.methods());
        }

        Outcome run() throws Exception {
            listener.onPlan(order.size());
            for (String name : order) {
                TofuRow finished = finished(name);
                if (finished != null) {
                    rows.put(name, finished);
                    reused++;
                    listener.onDone(name, true);
                }
            }
            if (rows.size() < order.size()) {
                computeMissing();
            }
            List<TofuRow> table = order.stream().map(rows::get).toList();
            return new Outcome(folder, document, table, computed, reused);
        }

        /** The retain model first (every other row is measured against its log), then the others in table order. */
        private void computeMissing() throws Exception {
            Path retainLog = evalDir(TofuRow.RETAIN).resolve("TOFU_EVAL.json");
            try (Trained retain = reference(TofuRow.RETAIN, () -> steps.trainRetainOnly(config.seed()))) {
                if (!rows.containsKey(TofuRow.RETAIN)) {
                    finish(referenceRow(TofuRow.RETAIN, TofuRow.Role.RETAIN, retain, retainLog));
                }
                try (Trained full = reference(TofuRow.FULL, steps::trainFull)) {
                    if (!rows.containsKey(TofuRow.FULL)) {
                        finish(referenceRow(TofuRow.FULL, TofuRow.Role.FULL, full, retainLog));
                    }
                    if (!rows.containsKey(TofuRow.NOISE_FLOOR)) {
                        try (Trained noiseFloor = reference(TofuRow.NOISE_FLOOR, () -> steps.trainRetainOnly(config.noiseFloorSeed()))) {
                            finish(referenceRow(TofuRow.NOISE_FLOOR, TofuRow.Role.NOISE_FLOOR, noiseFloor, retainLog));
                        }
                    }
                    if (!rows.containsKey(TofuRow.SUPPRESSION)) {
                        listener.onTask(TofuRow.SUPPRESSION + ": evaluating the full model behind the suppression filter");
                        try (M suppressed = steps.suppressionOnly(full.model)) {
                            finish(measured(TofuRow.SUPPRESSION, TofuRow.Role.SUPPRESSION, suppressed, retain.model, retainLog, Map.of()));
                        }
                    }
                    for (String method : config.methods()) {
                        if (!rows.containsKey(method)) {
                            finish(method(method, full.model, retain.model, retainLog));
                        }
                    }
                }
            }
        }

        /** A reference model: loaded when an earlier run saved it (training time then unknown), else trained, timed and saved. */
        private Trained reference(String name, ModelSupplier<M> train) throws Exception {
            Path file = folder.modelFile(config.seed(), name);
            if (Files.isRegularFile(file)) {
                listener.onTask(name + ": loading the saved model");
                return new Trained(steps.load(file), Double.NaN);
            }
            listener.onTask(name + ": training");
            long start = System.nanoTime();
            M model = train.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            try {
                Files.createDirectories(file.getParent());
                // a run killed while saving must not leave a half-written model that the next run would load
                Path partial = file.resolveSibling(file.getFileName() + ".partial");
                steps.save(model, partial);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
            return new Trained(model, seconds);
        }

        private TofuRow referenceRow(String name, TofuRow.Role role, Trained trained, Path retainLog) throws IOException {
            listener.onTask(name + ": evaluating");
            Map<String, Double> extra = new LinkedHashMap<>();
            if (Double.isFinite(trained.seconds)) {
                extra.put(TofuRow.SECONDS, trained.seconds);
            }
            Map<String, Double> figures = new LinkedHashMap<>(steps.evaluate(trained.model, evalDir(name), retainLog));
            figures.putAll(extra);
            return new TofuRow(name, role, figures, null, relative(evalDir(name)), null);
        }

        /** A method's row: unlearning timed alone, then evaluation and evidence; a refusal or failure becomes a failed row. */
        private TofuRow method(String method, M full, M retain, Path retainLog) throws IOException {
            listener.onTask(method + ": unlearning");
            long start = System.nanoTime();
            M unlearned;
            try {
                unlearned = steps.unlearn(method, full);
            } catch (RuntimeException e) {
                return TofuRow.failed(method, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            try (unlearned) {
                listener.onTask(method + ": evaluating");
                return measured(method, TofuRow.Role.METHOD, unlearned, retain, retainLog, Map.of(TofuRow.SECONDS, seconds));
            } catch (RuntimeException e) {
                return TofuRow.failed(method, e.getMessage() == null ? e.toString() : e.getMessage());
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the model of " + method + " failed: " + e.getMessage(), e);
            }
        }

        /** Evaluation plus the removal evidence against the retain model. */
        private TofuRow measured(String name, TofuRow.Role role, M model, M retain, Path retainLog, Map<String, Double> extra) throws IOException {
            Map<String, Double> figures = new LinkedHashMap<>(steps.evaluate(model, evalDir(name), retainLog));
            listener.onTask(name + ": removal evidence");
            RemovalEvidence evidence = steps.evidence(model, retain);
            figures.put(TofuRow.RELEARNING_RECOVERY, evidence.relearningRecovery());
            figures.putAll(evidence.figures());
            figures.putAll(extra);
            return new TofuRow(name, role, figures, evidence.verdict(), relative(evalDir(name)), null);
        }

        private void finish(TofuRow row) throws IOException {
            try {
                AtomicFiles.write(resultFile(row.name()), Store.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(row));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result of " + row.name() + ": " + e.getMessage(), e);
            }
            rows.put(row.name(), row);
            computed++;
            listener.onDone(row.name(), false);
        }

        private TofuRow finished(String name) throws IOException {
            Path file = resultFile(name);
            return Files.isRegularFile(file) ? Store.json().readValue(file.toFile(), TofuRow.class) : null;
        }

        private Path resultFile(String name) {
            return out.resolve(resultPath(name));
        }

        private Path evalDir(String name) {
            return out.resolve(evalPath(name));
        }

        private String relative(Path dir) {
            return out.relativize(dir).toString();
        }

        /** A reference model and its training time (NaN when it was loaded). */
        private final class Trained implements AutoCloseable {

            private final M model;
            private final double seconds;

            Trained(M model, double seconds) {
                this.model = model;
                this.seconds = seconds;
            }

            @Override
            public void close() throws Exception {
                model.close();
            }
        }
    }

    /** A model-producing step. */
    @FunctionalInterface
    private interface ModelSupplier<M> {
        M get() throws Exception;
    }
}
