package dev.lethe.cli;

import dev.lethe.core.data.DatasetRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code lethe demo}: the main job on the embedded default data. For now: train an MLP on the
 * scikit-learn digits with a seeded 80/20 split, evaluate it and print a summary; the SISA work turns
 * it into the whole train → forget → audit story.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train an MLP on the embedded digits (seeded 80/20 split), evaluate it, print a summary.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", defaultValue = "lethe-demo-store", paramLabel = "DIR",
            description = "Where to write the demo's store. Default: ${DEFAULT-VALUE}.")
    Path store;

    @Mixin
    ModelOptions model;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!run.json) {
            out.println("Lethe demo: train on the embedded digits (scikit-learn 8x8, 1,797 images, 10 classes), seeded 80/20 split");
            out.flush();
        }
        var outcome = TrainCommand.trainAndReport(out, store, DatasetRef.digits(run.seed), model, run, "demo");
        if (!run.json) {
            out.printf("Next: ./lethe eval --store %s   |   ./lethe predict --store %s --input FILE.csv%n", store, store);
            boolean ok = outcome.test().accuracy() >= 0.95;
            out.println(ok ? "demo: OK (test accuracy >= 0.95)" : "demo: test accuracy below 0.95 — something is wrong");
            out.flush();
            return ok ? ExitCodes.OK : ExitCodes.VERIFICATION_FAILED;
        }
        return ExitCodes.OK;
    }
}
