package dev.lethe.cli.lm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lethe lm}: the language-model store. A language model lives in the same single-model store as a
 * classifier (manifest, model versions, receipts, tombstones, purge, audit); these subcommands train one on
 * TOFU, generate from it, unlearn an author from it, write its TOFU eval log, and try entity unlearning from a name and
 * stale-fact correction on it (what-ifs that leave the store as it was).
 */
@Command(name = "lm", footer = {"%nExample:", "  lethe lm train --data ../shared/datasets/tofu --split forget01 --retain-authors 18 --store lm-store"}, mixinStandardHelpOptions = true,
        description = "Language models: train on TOFU, generate, unlearn an author, evaluate (TOFU eval logs), forget an entity by name,"
                + " correct a stale fact.",
        subcommands = {LmTrainCommand.class, LmGenerateCommand.class, LmUnlearnCommand.class, LmEvalCommand.class,
                LmForgetEntityCommand.class, LmEditFactCommand.class})
public final class LmCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
