package dev.lethe.cli;

import dev.lethe.core.store.Store;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --store} of the commands that work on a single-model store only ({@code unlearn}, {@code attack}), and
 * {@code --data}: where the store's source data is now, when it moved since training.
 */
public final class SingleModelStoreOption {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store (single model).")
    Path store;

    @Option(names = "--data", paramLabel = "PATH", description = "Where the data the store was trained on is now (a file or"
            + " folder), when it moved since training; refused unless it is the same data (the manifest's fingerprint)."
            + " Default: the path the store recorded.")
    Path data;

    /** The store, reading its data from {@code --data} when given. */
    Store open() {
        return Store.open(store).withData(data);
    }
}
