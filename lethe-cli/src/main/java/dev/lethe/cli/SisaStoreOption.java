package dev.lethe.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --store} of the commands that work on a SISA store only ({@code forget}, {@code repair}). */
public final class SisaStoreOption {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The SISA store.")
    Path store;
}
