package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.encoding.InputEncoding;
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

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe predict}: class and probabilities from a store's current model, for records in their data set's own
 * form (encoded with the store's {@link dev.lethe.core.data.encoding.InputEncoding}, as training did) or for feature
 * vectors that are already encoded ({@code --encoded}).
 */
@Command(name = "predict", footer = {"%nExample:", "  lethe predict --store my-store --input rows.csv --header --id-column id --json"},
        mixinStandardHelpOptions = true,
        description = {"Predict classes with a store's current model. Records are taken in the data set's own form — a raw CSV row"
                + " (by column name with --header, else in column order), raw pixel values — and encoded with the encoding the"
                + " store kept from training (scales, category tables, means and deviations: 'lethe store info' shows it).",
                "With --encoded, the values are feature vectors that are already encoded, passed to the model as they are."})
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store whose current model answers.")
    Path store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    static final class Inputs {
        @Option(names = "--features", paramLabel = "V1,V2,...",
                description = "One record, comma-separated, in column order (repeat for several).")
        List<String> vectors;

        @Option(names = "--input", paramLabel = "FILE",
                description = "A CSV file with one record per line (no label); '-' reads stdin.")
        String file;
    }

    @Option(names = "--header", description = "--input: the first line names the columns; records are matched to the encoding by name.")
    boolean header;

    @Option(names = "--id-column", paramLabel = "NAME", description = "--input with --header: the column that names each record"
            + " (left out of the features; the output carries it).")
    String idColumn;

    @Option(names = "--encoded", description = "The values are encoded feature vectors, not raw records: pass them to the model as they are.")
    boolean encoded;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Store s = Store.open(store);
        if (s.readManifest().dataset().holdsTokens()) {
            throw new IllegalArgumentException(store + " holds a language model, which predicts text, not classes: use 'lethe lm generate'");
        }
        InputEncoding encoding = s.readManifest().dataset().encoding();
        PredictInputs.Rows records = inputs.vectors != null ? PredictInputs.fromValues(inputs.vectors, encoding, encoded)
                : PredictInputs.fromFile(inputs.file, header, idColumn, encoding, encoded);
        float[][] vectors = records.vectors();
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
                if (records.ids() != null) {
                    row.put("id", records.ids().get(i));
                }
                int c = classes[i];
                row.put("class", classNames.get(c));
                row.put("label", c);
                row.put("probabilities", p);
                rows.add(row);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("modelVersion", version);
            doc.put("input", encoded ? "encoded" : "raw");
            doc.put("classNames", classNames);
            doc.put("predictions", rows);
            doc.put("scoreKind", s.readManifest().usesSisa() ? s.readManifest().sisa().aggregation() : "softmax-probabilities");
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  model version %d of %s%n", version, s.root());
            for (int i = 0; i < probs.length; i++) {
                int c = classes[i];
                out.printf(Locale.ROOT, "  %-12s class %-10s score %.4f%n", records.ids() != null ? records.ids().get(i) : Integer.toString(i),
                        classNames.get(c), probs[i][c]);
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
