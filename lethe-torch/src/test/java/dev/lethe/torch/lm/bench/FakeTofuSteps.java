package dev.lethe.torch.lm.bench;

import dev.lethe.core.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steps without a language model, for the harness's own tests: a "model" is a name, saving writes the name to a
 * file, evaluation writes a one-figure summary and returns the figures given for that name, and every call is
 * recorded. {@link #failOnEvaluate} makes the evaluation of one row throw an I/O error, as a killed run would stop.
 */
final class FakeTofuSteps implements TofuBenchSteps<FakeTofuSteps.Model> {

    /** A model: its name, and whether it was closed. */
    static final class Model implements AutoCloseable {
        final String name;
        boolean closed;

        Model(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException(name + " closed twice");
            }
            closed = true;
        }
    }

    final List<String> calls = new ArrayList<>();
    final List<Model> models = new ArrayList<>();
    final Map<String, Map<String, Double>> summaries;
    String failOnEvaluate;
    String refuse;

    FakeTofuSteps(Map<String, Map<String, Double>> summaries) {
        this.summaries = summaries;
    }

    private Model made(String name) {
        Model m = new Model(name);
        models.add(m);
        return m;
    }

    @Override
    public String dataFingerprint() {
        return "fake-data";
    }

    @Override
    public Model trainFull() {
        calls.add("train full");
        return made(TofuRow.FULL);
    }

    @Override
    public Model trainRetainOnly(long seed) {
        calls.add("train retain " + seed);
        return made(seed == 42 ? TofuRow.RETAIN : TofuRow.NOISE_FLOOR);
    }

    @Override
    public void save(Model model, Path file) throws IOException {
        Files.writeString(file, model.name);
    }

    @Override
    public Model load(Path file) throws IOException {
        calls.add("load " + file.getFileName());
        return made(Files.readString(file));
    }

    @Override
    public Model suppressionOnly(Model full) {
        return made(TofuRow.SUPPRESSION);
    }

    @Override
    public Model unlearn(String method, Model full) {
        calls.add("unlearn " + method);
        if (full.closed) {
            throw new IllegalStateException("unlearning from a closed full model");
        }
        if (method.equals(refuse)) {
            throw new IllegalArgumentException(method + " does not serve a language model");
        }
        return made(method);
    }

    @Override
    public Map<String, Double> evaluate(Model model, Path evalDir, Path retainLog) throws IOException {
        calls.add("evaluate " + model.name + " against " + retainLog.getParent().getFileName());
        if (model.name.equals(failOnEvaluate)) {
            throw new IOException("killed while evaluating " + model.name);
        }
        Files.createDirectories(evalDir);
        Map<String, Double> summary = new LinkedHashMap<>(summaries.getOrDefault(model.name, Map.of()));
        Files.write(evalDir.resolve("TOFU_SUMMARY.json"), Store.json().writeValueAsBytes(summary));
        return summary;
    }

    @Override
    public RemovalEvidence evidence(Model model, Model retain) {
        calls.add("evidence " + model.name);
        boolean suppressed = model.name.equals(TofuRow.SUPPRESSION);
        return new RemovalEvidence(suppressed ? 0.9 : 0.1, Map.of("probe_accuracy", suppressed ? 1.0 : 0.5),
                suppressed ? "suppression: the knowledge is still in the weights" : "removal");
    }
}
