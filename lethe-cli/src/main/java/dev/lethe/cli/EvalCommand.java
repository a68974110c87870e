package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.forget.RecordSelector;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.UnlearningReceipt;
import dev.lethe.torch.eval.RetrainComparison;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.train.TrainConfig;
import picocli.CommandLine.ArgGroup;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.CalibrationSplit;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code lethe eval}: accuracy, loss, per-class accuracy and confusion matrix of a store's current model. */
@Command(name = "eval", footer = {"%nExamples:", "  lethe eval --store my-store", "  lethe eval --store my-store --label 3 --json"}, mixinStandardHelpOptions = true,
        description = "Evaluate a store's current model on its training and test records (checked by fingerprint).")
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store to evaluate.")
    Path store;

    @Option(names = "--reference", paramLabel = "STORE",
            description = "A store on the same data whose current model was retrained without the selected records (e.g. 'lethe unlearn "
                    + "--method retrain' on a copy of this store): prints the retrain comparison (gaps, divergence, weight distance, "
                    + "relearn time, linear probe) of this store's current model against it.")
    Path reference;

    @Option(names = "--data", paramLabel = "PATH", description = "Where the data a single-model store was trained on is now (a file"
            + " or folder), when it moved since training; refused unless it is the same data (the manifest's fingerprint)."
            + " Default: the path the store recorded. (A SISA store keeps its data in the store.)")
    Path data;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Forget set (with --reference):%n")
    ForgetSelector what;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Device device = run.startEngine();
        Store s = Store.open(store).withData(data);
        PendingNote.print(spec.commandLine().getErr(), s);
        if (s.readManifest().usesSisa()) {
            if (data != null) {
                throw new IllegalArgumentException("--data applies to single-model stores: a SISA store keeps its records in the store");
            }
            return evaluateEnsemble(out, s, device);
        }
        if (s.readManifest().dataset().holdsTokens()) {
            throw new IllegalArgumentException(store + " holds a language model: evaluate it with 'lethe lm eval --store " + store + " --out DIR'");
        }
        if (reference != null) {
            return compareWithReference(out, s, device);
        }
        StoreData stored = StoreData.load(s);
        DatasetRef.Loaded data = stored.data();
        Map<String, EvaluationReport> reports = new LinkedHashMap<>();
        try (ModelHandle model = StoredModel.loadCurrent(s, device);
             TensorData train = TensorData.of(data.train(), model.manager());
             TensorData test = TensorData.of(data.test(), model.manager())) {
            Evaluator evaluator = new Evaluator();
            Evaluation trainEval = evaluator.evaluate(model, train);
            Evaluation testEval = evaluator.evaluate(model, test);
            reports.put("train", EvaluationReport.of(trainEval));
            reports.put("test", EvaluationReport.of(testEval));
            // the half of the test split no method's strength was ever chosen on (CalibrationSplit)
            Evaluation unseenEval = unseenByCalibration(evaluator, model, data.test());
            if (unseenEval != null) {
                reports.put("testUnseenByCalibration", EvaluationReport.of(unseenEval));
            }
            if (run.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("store", s.root().toString());
                doc.put("modelVersion", s.readManifest().currentVersion());
                doc.put("fingerprint", data.fingerprint());
                doc.put("excludedEarlier", stored.excludedTrain() + stored.excludedTest());
                doc.putAll(reports);
                Output.json(out, doc);
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  store     %s (model version %d, %s)%n", s.root(), s.readManifest().currentVersion(), model.spec().name());
            out.printf(Locale.ROOT, "  data      %s, fingerprint %s… (matches the manifest)%s%n", data.ref().name(), data.fingerprint().substring(0, 12),
                    stored.excludedTrain() + stored.excludedTest() > 0
                            ? "; " + (stored.excludedTrain() + stored.excludedTest()) + " forgotten records left out" : "");
            out.printf(Locale.ROOT, "  train     %d records, accuracy %s, loss %.4f%n", trainEval.records(), Output.pct(trainEval.accuracy()), trainEval.meanLoss());
            out.printf(Locale.ROOT, "  test      %d records, accuracy %s, loss %.4f%n", testEval.records(), Output.pct(testEval.accuracy()), testEval.meanLoss());
            if (unseenEval != null) {
                out.printf(Locale.ROOT, "            of which %d no method's strength was chosen on: accuracy %s, loss %.4f%n", unseenEval.records(),
                        Output.pct(unseenEval.accuracy()), unseenEval.meanLoss());
            }
            Output.perClass(out, testEval);
            Output.confusion(out, testEval);
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** The model on the half of {@code test} no strength was chosen on; null when that half is empty. */
    private static Evaluation unseenByCalibration(Evaluator evaluator, ModelHandle model, RecordSet test) {
        RecordSet unseen = CalibrationSplit.unseen(test);
        if (unseen.size() == 0) {
            return null;
        }
        try (TensorData records = TensorData.of(unseen, model.manager())) {
            return evaluator.evaluate(model, records);
        }
    }

    /**
     * {@code --reference}: the store's current model against the reference store's current model on the
     * selected forget set, the rest of the training records and the test records; the store's first
     * model version is the original whose forget loss sets the relearn target.
     */
    private int compareWithReference(PrintWriter out, Store s, Device device) throws Exception {
        if (what == null) {
            throw new IllegalArgumentException("--reference needs the forget set: --record, --subject or --label");
        }
        StoreManifest manifest = s.readManifest();
        Store ref = Store.open(reference).withData(data);
        if (manifest.usesSisa() || ref.readManifest().usesSisa()) {
            throw new StoreException("the retrain comparison runs on single-model stores");
        }
        if (!ref.readManifest().dataset().fingerprint().equals(manifest.dataset().fingerprint())) {
            throw new StoreException("store " + ref.root() + " was trained on other data than " + s.root() + " (fingerprints differ)");
        }
        // the forget set is named in the source, so that what the store already unlearned can be compared;
        // the retain and test sets leave out every record an earlier request forgot
        StoreData stored = StoreData.load(s);
        DatasetRef.Loaded data = stored.data();
        Set<Integer> forget = RecordSelector.positions(stored.source().train(), what.kind(), what.values());
        if (forget.isEmpty()) {
            throw new IllegalArgumentException("no training record matches " + what.values() + ": no forget set to compare on");
        }
        StoreData.Split split = stored.split(forget);
        List<String> forgetIds = new ArrayList<>();
        for (int i = 0; i < split.selected().size(); i++) {
            forgetIds.add(split.selected().id(i));
        }
        requireReferenceRemoved(ref, forgetIds);
        UnlearningData sets = new UnlearningData(split.selected(), split.rest(), data.test());
        TrainConfig config = TrainService.originalConfig(manifest);
        Path originalFile = s.root().resolve(((SingleModelVersion) manifest.models().get(0)).file());
        if (!Files.isRegularFile(originalFile)) {
            throw new StoreException("the original model (version 1) of " + s.root() + " is no longer in the store: the erasure that made a later"
                    + " version deleted it. For a retrain comparison, unlearn on a copy of the store with 'lethe unlearn --keep-previous'");
        }
        RetrainComparison c;
        try (ModelHandle model = StoredModel.loadCurrent(s, device);
             ModelHandle referenceModel = StoredModel.loadCurrent(ref, device);
             ModelHandle original = ModelHandle.load(originalFile, device)) {
            c = RetrainComparison.compare(model, referenceModel, original, sets, data.test(), config, RetrainComparison.Options.defaults(run.seed),
                    StageLog.forStandardError("eval --reference", run.json));
        }
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", s.root().toString());
            doc.put("modelVersion", manifest.currentVersion());
            doc.put("reference", ref.root().toString());
            doc.put("forgetRecords", forget.size());
            doc.put("comparison", c);
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "  store     %s (model version %d) against reference %s; %d forget records%n", s.root(),
                manifest.currentVersion(), ref.root(), forget.size());
        out.printf(Locale.ROOT, "              %10s %10s %10s%n", "model", "reference", "gap");
        out.printf(Locale.ROOT, "  forget acc  %10.4f %10.4f %10.4f%n", c.model().forgetAccuracy(), c.reference().forgetAccuracy(), c.forgetAccuracyGap());
        out.printf(Locale.ROOT, "  retain acc  %10.4f %10.4f %10.4f%n", c.model().retainAccuracy(), c.reference().retainAccuracy(), c.retainAccuracyGap());
        out.printf(Locale.ROOT, "  test acc    %10.4f %10.4f %10.4f%n", c.model().testAccuracy(), c.reference().testAccuracy(), c.testAccuracyGap());
        out.printf(Locale.ROOT, "  MIA AUC     %10.4f %10.4f %10.4f%n", c.model().miaAuc(), c.reference().miaAuc(), c.miaAucGap());
        out.printf(Locale.ROOT, "  average gap %32.4f%n", c.averageGap());
        out.printf(Locale.ROOT, "  JS divergence  forget %.4f, test %.4f bits; weight L2 distance %.4f%n", c.forgetDivergence(),
                c.testDivergence(), c.weightDistance());
        out.printf(Locale.ROOT, "  relearn steps  model %d%s, reference %d%s (to the original's forget loss %.4f)%n",
                c.modelRelearn().steps(), c.modelRelearn().capped() ? " (cap)" : "", c.referenceRelearn().steps(),
                c.referenceRelearn().capped() ? " (cap)" : "", c.modelRelearn().targetLoss());
        out.printf(Locale.ROOT, "  linear probe   forget accuracy: model %.4f, reference %.4f%n", c.modelProbe().forgetAccuracy(),
                c.referenceProbe().forgetAccuracy());
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * A reference is only a reference if its current model was made without exactly the forget set: its receipt
     * must have matched the same records (same matched digest). A reference that still holds them (no receipt, or
     * one that removed other records) would make every gap look small, so it is refused.
     */
    private static void requireReferenceRemoved(Store ref, java.util.List<String> forgetIds) {
        SingleModelVersion current = ref.readManifest().currentSingle();
        // the reference's receipt holds a digest keyed with its own store's key (a copy of this store shares it)
        String expected = StoreKeys.forReading(ref).ofIds(forgetIds);
        UnlearningReceipt receipt = current.unlearning();
        String how = "make one with 'lethe unlearn --method retrain --store " + ref.root() + "' and the same --record/--subject/--label";
        if (receipt == null || receipt.matchedDigest() == null) {
            throw new IllegalArgumentException("the reference " + ref.root() + " (model version " + current.version()
                    + ") has no unlearning receipt: its model may still hold the " + forgetIds.size() + " forget records; " + how);
        }
        if (!expected.equals(receipt.matchedDigest())) {
            throw new IllegalArgumentException("the reference " + ref.root() + " (model version " + current.version() + ") removed "
                    + receipt.matchedRecords() + " record(s) with digest " + receipt.matchedDigest().substring(0, 12)
                    + "…, not the " + forgetIds.size() + " forget records selected here (digest " + expected.substring(0, 12)
                    + "…): it does not show what removing them gives; " + how);
        }
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
