package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.service.ImportService;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe import}: a TorchScript classifier trained elsewhere, with its data set, into a new single-model store. */
@Command(name = "import", mixinStandardHelpOptions = true,
        footer = {"%nExamples:", "  lethe import --model model.pt --dataset parquet --data people.parquet --store my-store",
                "  lethe import --model cnn.pt --dataset cifar10 --per-class 100 --store cifar-store --lr 0.01 --batch-size 128"},
        description = {"Bring a model trained in Python PyTorch into a new store, with the data set it was trained on, so that"
                + " 'lethe forget', 'unlearn', 'eval', 'attack', 'predict', 'serve' and 'export' work on it.",
                "The model is a TorchScript file (torch.jit.script(model).save(path), or torch.jit.trace) whose forward pass takes a float"
                        + " batch of the data's record shape and returns one logit per class. It is checked before anything is written:"
                        + " a file that does not load, or is not a classifier for this data, leaves no store. The store records the file's"
                        + " SHA-256. The training options say how the model was trained: methods fine-tune with them, and a retrained"
                        + " reference ('eval --reference', method retrain) repeats them from fresh weights."})
public final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.pt", description = "The TorchScript file.")
    Path model;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory to create (absent or empty).")
    Path store;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs the model was trained for. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Its batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "Its optimizer: adam or sgd. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Its learning rate. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TrainConfig config = new TrainConfig(epochs, batchSize, ModelOptions.optimizerKind(optimizer), learningRate, 0f, 0f, run.seed);
        Device device = run.startEngine();
        DatasetRef ref = dataset.toRef(run.seed, false);
        if (ref.scaling() != null) {
            throw new IllegalArgumentException("--scale " + ref.scaling() + " with 'lethe import': the module was trained in Python on the"
                    + " values your pipeline gave it, and reads them so; import it with the file it was trained on, as it is");
        }
        DatasetRef.Loaded data = ref.load();
        if (data.train().content() instanceof TokenSequences) {
            throw new IllegalArgumentException(data.ref().name() + " holds text for a language model; lethe import takes a classifier and its data");
        }
        TrainService.Outcome o = ImportService.importModule(store, data, model, config, device);
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", o.store().root().toString());
            doc.put("manifest", o.manifest());
            doc.put("train", EvaluationReport.of(o.train()));
            doc.put("test", EvaluationReport.of(o.test()));
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        Map<String, Double> metrics = o.manifest().currentSingle().metrics();
        out.printf(Locale.ROOT, "  data      %s: %d train / %d test records, %d classes, fingerprint %s…%n",
                data.ref().name(), o.manifest().dataset().trainRecords(), o.manifest().dataset().testRecords(), data.train().numClasses(),
                data.fingerprint().substring(0, 12));
        out.printf(Locale.ROOT, "  model     %s (TorchScript, %,d parameters), checked and evaluated in %.1f s%n",
                model, o.manifest().model().parameters(), metrics.get("importSeconds"));
        out.printf(Locale.ROOT, "            sha256 %s%n", o.manifest().model().spec().substring("torchscript:".length()));
        out.printf(Locale.ROOT, "  accuracy  train %s   test %s   (test loss %.4f)%n",
                Output.pct(o.train().accuracy()), Output.pct(o.test().accuracy()), o.test().meanLoss());
        out.printf(Locale.ROOT, "  store     %s%n            manifest.json, %s, reports/%s%n",
                o.store().root(), o.manifest().currentSingle().file(), o.report().getFileName());
        out.flush();
        return ExitCodes.OK;
    }
}
