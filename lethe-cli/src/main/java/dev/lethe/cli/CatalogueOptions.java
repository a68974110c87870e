package dev.lethe.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where {@code lethe datasets list} and {@code info} look for data set files, and their JSON switch. */
public final class CatalogueOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "Data folder to look in. Default: $LETHE_DATASETS.")
    Path data;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;
}
