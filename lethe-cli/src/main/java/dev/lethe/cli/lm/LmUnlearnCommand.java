package dev.lethe.cli.lm;

import ai.djl.Device;
import dev.lethe.cli.ExitCodes;
import dev.lethe.cli.Output;
import dev.lethe.cli.RunOptions;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.service.UnlearnService;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe lm unlearn}: unlearns subjects (TOFU authors) from a language-model store with an approximate method,
 * through the same {@link UnlearnService} as a classifier's (tombstones, receipt, purge of the earlier model files).
 */
@Command(name = "unlearn", footer = {"%nExample:", "  lethe lm unlearn --store lm-store --method npo --subject \"Basil Mahfouz Al-Kuwaiti\" --opt npo.epochs=5"}, mixinStandardHelpOptions = true,
        description = "Unlearn an author (every training pair about them) from a language-model store with an approximate method"
                + " (see 'lethe methods'); writes a new model version with a receipt and deletes the earlier model files.")
public final class LmUnlearnCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "A store made by 'lethe lm train'.")
    Path store;

    @Option(names = "--method", required = true, paramLabel = "ID", description = "A method id from 'lethe methods' that runs on language models.")
    String method;

    @Option(names = "--subject", required = true, paramLabel = "NAME", split = ",",
            description = "The author (subject) to forget, e.g. \"Basil Mahfouz Al-Kuwaiti\" (repeat or comma-separate).")
    List<String> subjects;

    @Option(names = "--opt", paramLabel = "KEY=VALUE", description = "A method option, e.g. --opt npo.epochs=5 (repeatable).")
    List<String> options = new ArrayList<>();

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LmStore lm = LmStore.open(store);
        var m = UnlearningMethods.get(method);
        Map<String, String> overrides = MethodOptions.fromPairs(options);
        Device device = run.startEngine();
        TrainListener progress = run.json ? TrainListener.NONE : ConsoleProgress.forStandardError("lm unlearn " + method);
        var outcome = UnlearnService.unlearn(lm.store(), m, overrides, ForgetKind.SUBJECTS, subjects, run.seed, device, progress);
        var r = outcome.receipt();
        if (run.json) {
            Output.json(out, Map.of("modelVersion", outcome.version(), "receipt", r, "purged", outcome.purged()));
        } else {
            out.printf(Locale.ROOT, "  %s (%s): %s training pairs of %s, %.2f s → model version %d%n", r.method(), r.guarantee(),
                    r.matchedRecords(), String.join(", ", subjects), r.seconds(), outcome.version());
            out.printf(Locale.ROOT, "  options   %s%n", r.options());
            out.printf(Locale.ROOT, "  models    %s%n", outcome.purged().isEmpty() ? "no earlier model file to delete"
                    : "deleted " + String.join(", ", outcome.purged()));
            out.printf(Locale.ROOT, "  receipt   %s%n", UnlearnService.reportFile(lm.store(), outcome.version()));
            out.println("  the author's pairs are tombstoned and left out of every later run; the method changes the model only"
                    + " (check what it removed with 'lethe lm eval')");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
