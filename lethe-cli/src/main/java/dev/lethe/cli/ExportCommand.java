package dev.lethe.cli;

import dev.lethe.core.store.Store;
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
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lethe export}: the store's current model as a file to serve elsewhere. */
@Command(name = "export", mixinStandardHelpOptions = true,
        footer = {"%nExample:", "  lethe export --store my-store --format torchscript --out unlearned.pt",
                "  python3 -c \"import torch; m = torch.jit.load('unlearned.pt'); print(m(torch.zeros(1, 64)))\""},
        description = {"Write the store's current model version (after every forget) to a file that serves where your models are served today.",
                "torchscript: a model imported with 'lethe import' goes out as the same module with its current weights; torch.jit.load"
                        + " reads it. lethe: the store's own model file (any model), for another Lethe."})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store (single model).")
    Path store;

    @Option(names = "--format", defaultValue = "torchscript", description = "torchscript or lethe. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (replaced atomically if it exists).")
    Path out;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter printer = spec.commandLine().getOut();
        if (!format.equals("torchscript") && !format.equals("lethe")) {
            throw new IllegalArgumentException("--format must be torchscript or lethe, got '" + format + "'");
        }
        Store s = Store.open(store);
        if (s.readManifest().usesSisa()) {
            throw new IllegalArgumentException(store + " is a SISA store: its model is an ensemble of shard models, which has no single"
                    + " file to export; export works on single-model stores");
        }
        long start = System.nanoTime();
        try (ModelHandle model = StoredModel.loadCurrent(s, run.startEngine())) {
            if (format.equals("torchscript")) {
                if (!(model.spec().family() instanceof dev.lethe.torch.model.TorchScriptFamily)) {
                    throw new IllegalArgumentException("this store's model is " + model.spec().name() + ", built by Lethe: only a model"
                            + " imported from TorchScript ('lethe import') goes out as TorchScript; use --format lethe for this one");
                }
                AtomicFiles.write(out, o -> TorchScriptModules.write(model, o));
            } else {
                AtomicFiles.write(out, model::write);
            }
            printer.printf(Locale.ROOT, "  exported  %s version %d (%s) as %s to %s, %,d bytes, %.1f s%n", store,
                    s.readManifest().currentSingle().version(), model.spec().name(), format, out, Files.size(out),
                    (System.nanoTime() - start) / 1e9);
        }
        printer.flush();
        return ExitCodes.OK;
    }
}
