package dev.lethe.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --store} of the commands that work on a single-model store only ({@code unlearn}, {@code attack}). */
public final class SingleModelStoreOption {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store (single model).")
    Path store;
}
