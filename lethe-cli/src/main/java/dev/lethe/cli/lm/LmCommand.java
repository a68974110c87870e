package dev.lethe.cli.lm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lethe lm}: the language-model store. A language model lives in the same single-model store as a
 * classifier (manifest, model versions, receipts, tombstones, purge, audit); these subcommands train one on
 * TOFU, generate from it, unlearn an author from it and write its TOFU eval log.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Language models: train on TOFU, generate, unlearn an author, evaluate (TOFU eval logs).",
        subcommands = {LmTrainCommand.class, LmGenerateCommand.class, LmUnlearnCommand.class, LmEvalCommand.class})
public final class LmCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
