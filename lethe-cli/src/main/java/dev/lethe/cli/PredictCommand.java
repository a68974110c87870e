package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.store.Store;
import dev.lethe.torch.eval.Predictions;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe predict}: class and probabilities from a store's current model. */
@Command(name = "predict", footer = {"%nExample:", "  lethe predict --store my-store --input rows.csv"}, mixinStandardHelpOptions = true,
        description = "Predict classes for feature vectors with a store's current model.")
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store whose current model answers.")
    Path store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    static final class Inputs {
        @Option(names = "--features", paramLabel = "V1,V2,...",
                description = "One feature vector, comma-separated (repeat for several).")
        List<String> vectors;

        @Option(names = "--input", paramLabel = "FILE",
                description = "A CSV file with one feature vector per line, features only (no label); '-' reads stdin.")
        String file;
    }

    @Option(names = "--header", description = "--input: skip the first line.")
    boolean header;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        float[][] vectors = inputs.vectors != null ? parseVectors(inputs.vectors) : readFile(inputs.file, header);
        Store s = Store.open(store);
        if (s.readManifest().dataset().holdsTokens()) {
            throw new IllegalArgumentException(store + " holds a language model, which predicts text, not classes: use 'lethe lm generate'");
        }
        Device device = run.startEngine();
        int version = s.readManifest().currentVersion();
        List<String> classNames = s.readManifest().dataset().classNames();
        float[][] probs;
        int[] classes;
        if (s.readManifest().usesSisa()) {
            // The ensemble's scores: vote shares (majority vote) or mean probabilities.
            try (SisaEnsemble ensemble = SisaService.loadEnsemble(s, device)) {
                SisaEnsemble.Answer answer = ensemble.answer(vectors);
                probs = answer.scores();
                classes = answer.classes();
            }
        } else {
            try (ModelHandle model = StoredModel.loadCurrent(s, device)) {
                probs = Predictions.probabilities(model, vectors);
            }
            classes = java.util.Arrays.stream(probs).mapToInt(Predictions::argMax).toArray();
        }
        if (run.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < probs.length; i++) {
                float[] p = probs[i];
                Map<String, Object> row = new LinkedHashMap<>();
                int c = classes[i];
                row.put("class", classNames.get(c));
                row.put("label", c);
                row.put("probabilities", p);
                rows.add(row);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("modelVersion", version);
            doc.put("classNames", classNames);
            doc.put("predictions", rows);
            doc.put("scoreKind", s.readManifest().usesSisa() ? s.readManifest().sisa().aggregation() : "softmax-probabilities");
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  model version %d of %s%n", version, s.root());
            for (int i = 0; i < probs.length; i++) {
                int c = classes[i];
                out.printf(Locale.ROOT, "  %4d  class %-10s score %.4f%n", i, classNames.get(c), probs[i][c]);
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static float[][] parseVectors(List<String> texts) {
        float[][] v = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            v[i] = parseRow(texts.get(i), "--features", "vector " + (i + 1));
        }
        return v;
    }

    private static float[][] readFile(String file, boolean header) throws IOException {
        List<float[]> rows = new ArrayList<>();
        String source = file.equals("-") ? "stdin" : file;
        try (BufferedReader r = file.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if ((header && lineNo == 1) || line.isBlank()) {
                    continue;
                }
                rows.add(parseRow(line, source, "line " + lineNo));
            }
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(source, "", "no feature vectors found");
        }
        return rows.toArray(new float[0][]);
    }

    private static float[] parseRow(String text, String source, String where) {
        String[] parts = text.split(",");
        float[] v = new float[parts.length];
        for (int j = 0; j < parts.length; j++) {
            try {
                v[j] = Float.parseFloat(parts[j].trim());
            } catch (NumberFormatException e) {
                throw new DataFormatException(source, where + ", column " + (j + 1), "'" + parts[j].trim() + "' is not a number");
            }
        }
        return v;
    }
}
