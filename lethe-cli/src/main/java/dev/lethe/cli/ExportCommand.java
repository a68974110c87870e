package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.TorchScriptFamily;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.TorchScriptModules;
import dev.lethe.torch.service.StoredModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe export}: the store's current model as a file to serve elsewhere. */
@Command(name = "export", mixinStandardHelpOptions = true,
        footer = {"%nExample:", "  lethe export --store my-store --format torchscript --out unlearned.pt",
                "  python3 -c \"import torch; m = torch.jit.load('unlearned.pt'); print(m(torch.zeros(1, 64)))\""},
        description = {"Write the store's current model version (after every forget) to a file that serves where your models are served today.",
                "torchscript: a model from TorchScript ('lethe import', or trained with --model torchscript:FILE.pt) goes out as the same"
                        + " module with its current weights; torch.jit.load reads it. lethe: the store's own model file (any model), for another Lethe.",
                "A SISA store's ensemble goes out as one file per shard model plus ensemble.json, which says how their outputs combine."})
public final class ExportCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store (single model or SISA).")
    Path store;

    @Option(names = "--format", defaultValue = "torchscript", description = "torchscript or lethe. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "The file to write (replaced atomically if it exists);"
            + " for a SISA store, a folder that gets one file per shard and ensemble.json.")
    Path out;

    @Mixin
    RunOptions run;

    /**
     * A SISA store's current ensemble: one file per shard model in the folder {@code --out}, and {@code ensemble.json}
     * saying how their outputs combine (the aggregation, the class names, the shard files in order, the model version).
     */
    private void exportEnsemble(PrintWriter printer, Store s, long start) throws Exception {
        StoreManifest manifest = s.readManifest();
        Files.createDirectories(out);
        List<String> files = new ArrayList<>();
        try (SisaEnsemble ensemble = SisaService.loadEnsemble(s, run.startEngine())) {
            for (int shard = 0; shard < ensemble.shards().size(); shard++) {
                ModelHandle model = ensemble.shards().get(shard);
                String file = String.format(Locale.ROOT, "shard-%03d.%s", shard, format.equals("torchscript") ? "pt" : "lethe-model");
                if (format.equals("torchscript")) {
                    requireTorchScript(model);
                    AtomicFiles.write(out.resolve(file), o -> TorchScriptModules.write(model, o));
                } else {
                    AtomicFiles.write(out.resolve(file), model::write);
                }
                files.add(file);
            }
            Map<String, Object> note = new LinkedHashMap<>();
            note.put("format", format);
            note.put("modelVersion", manifest.currentVersion());
            note.put("aggregation", ensemble.aggregation() == Aggregation.MEAN_SOFTMAX ? "mean-softmax" : "majority-vote");
            note.put("rule", ensemble.aggregation() == Aggregation.MEAN_SOFTMAX
                    ? "the class is the arg-max of the mean of the shards' softmax probabilities (ties: the smaller class index)"
                    : "each shard votes for its arg-max class; most votes wins (ties: the larger mean softmax probability, then the smaller class index)");
            note.put("classNames", manifest.dataset().classNames());
            note.put("shards", files);
            AtomicFiles.write(out.resolve("ensemble.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(note));
        }
        printer.printf(Locale.ROOT, "  exported  %s version %d: %d shard models as %s and ensemble.json (%s) to %s/, %.1f s%n", store,
                manifest.currentVersion(), files.size(), format, manifest.sisa().aggregation(), out, (System.nanoTime() - start) / 1e9);
    }

    private static void requireTorchScript(ModelHandle model) {
        if (!(model.spec().family() instanceof TorchScriptFamily)) {
            throw new IllegalArgumentException("this store's model is " + model.spec().name() + ", built by Lethe: only a model"
                    + " from TorchScript ('lethe import', or 'lethe train --model torchscript:FILE.pt') goes out as TorchScript;"
                    + " use --format lethe for this one");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter printer = spec.commandLine().getOut();
        if (!format.equals("torchscript") && !format.equals("lethe")) {
            throw new IllegalArgumentException("--format must be torchscript or lethe, got '" + format + "'");
        }
        Store s = Store.open(store);
        long start = System.nanoTime();
        if (s.readManifest().usesSisa()) {
            exportEnsemble(printer, s, start);
        } else {
            try (ModelHandle model = StoredModel.loadCurrent(s, run.startEngine())) {
                if (format.equals("torchscript")) {
                    requireTorchScript(model);
                    AtomicFiles.write(out, o -> TorchScriptModules.write(model, o));
                } else {
                    AtomicFiles.write(out, model::write);
                }
                printer.printf(Locale.ROOT, "  exported  %s version %d (%s) as %s to %s, %,d bytes, %.1f s%n", store,
                        s.readManifest().currentSingle().version(), model.spec().name(), format, out, Files.size(out),
                        (System.nanoTime() - start) / 1e9);
            }
        }
        printer.flush();
        return ExitCodes.OK;
    }
}
