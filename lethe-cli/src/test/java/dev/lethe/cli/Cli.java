package dev.lethe.cli;

import picocli.CommandLine;

import java.nio.file.Path;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code lethe} in-process, capturing exit code, stdout and stderr. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        CommandLine cl = LetheCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /**
     * Trains a small SISA store on the digits (3 shards, persons kept in one shard, 60 pseudo-persons) into
     * {@code store}, and fails the test if training fails.
     */
    static void trainSmallSisa(Path store, int slices, int epochs, String model) {
        Cli trained = run("train", "--sisa", "--shards", "3", "--slices", Integer.toString(slices), "--assign", "subject",
                "--subjects", "60", "--epochs", Integer.toString(epochs), "--model", model, "--store", store.toString(), "--json");
        if (trained.exitCode() != 0) {
            throw new AssertionError("training the test store failed (exit " + trained.exitCode() + "): " + trained.err());
        }
    }
}
