package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.TensorData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe eval}: accuracy, loss, per-class accuracy and confusion matrix of a store's current model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a store's current model on its training and test records (checked by fingerprint).")
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store to evaluate.")
    Path store;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Device device = run.startEngine();
        Store s = Store.open(store);
        if (s.readManifest().usesSisa()) {
            return evaluateEnsemble(out, s, device);
        }
        DatasetRef.Loaded data = StoredModel.loadData(s);
        Map<String, EvaluationReport> reports = new LinkedHashMap<>();
        try (ModelHandle model = StoredModel.loadCurrent(s, device);
             TensorData train = TensorData.of(data.train(), model.manager());
             TensorData test = TensorData.of(data.test(), model.manager())) {
            Evaluator evaluator = new Evaluator();
            Evaluation trainEval = evaluator.evaluate(model, train);
            Evaluation testEval = evaluator.evaluate(model, test);
            reports.put("train", EvaluationReport.of(trainEval));
            reports.put("test", EvaluationReport.of(testEval));
            if (run.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("store", s.root().toString());
                doc.put("modelVersion", s.readManifest().currentVersion());
                doc.put("fingerprint", data.fingerprint());
                doc.putAll(reports);
                Output.json(out, doc);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  store     %s (model version %d, %s)%n", s.root(), s.readManifest().currentVersion(), model.spec().name());
            out.printf(Locale.ROOT, "  data      %s, fingerprint %s… (matches the manifest)%n", data.ref().name(), data.fingerprint().substring(0, 12));
            out.printf(Locale.ROOT, "  train     %d records, accuracy %s, loss %.4f%n", trainEval.records(), Output.pct(trainEval.accuracy()), trainEval.meanLoss());
            out.printf(Locale.ROOT, "  test      %d records, accuracy %s, loss %.4f%n", testEval.records(), Output.pct(testEval.accuracy()), testEval.meanLoss());
            Output.perClass(out, testEval);
            Output.confusion(out, testEval);
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** A SISA store: the ensemble on the store's current (post-forgetting) records. */
    private int evaluateEnsemble(PrintWriter out, Store s, Device device) throws Exception {
        var manifest = s.readManifest();
        try (SisaEnsemble ensemble = SisaService.loadEnsemble(s, device)) {
            Evaluation trainEval = ensemble.evaluate(SisaService.loadTraining(s));
            Evaluation testEval = ensemble.evaluate(SisaService.loadTest(s));
            if (run.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("store", s.root().toString());
                doc.put("modelVersion", manifest.currentVersion());
                doc.put("shards", ensemble.shards().size());
                doc.put("aggregation", ensemble.aggregation().name().toLowerCase(Locale.ROOT));
                doc.put("train", EvaluationReport.of(trainEval));
                doc.put("test", EvaluationReport.of(testEval));
                Output.json(out, doc);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  store     %s (model version %d: SISA ensemble of %d × %s, %s)%n", s.root(), manifest.currentVersion(),
                    ensemble.shards().size(), manifest.model().spec(), ensemble.aggregation().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            out.printf(Locale.ROOT, "  train     %d records, accuracy %s%n", trainEval.records(), Output.pct(trainEval.accuracy()));
            out.printf(Locale.ROOT, "  test      %d records, accuracy %s%n", testEval.records(), Output.pct(testEval.accuracy()));
            Output.perClass(out, testEval);
            Output.confusion(out, testEval);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
