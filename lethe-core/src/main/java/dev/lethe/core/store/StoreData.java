package dev.lethe.core.store;

import dev.lethe.core.data.DatasetRef;

import java.io.IOException;

/**
 * The records a single-model store works on now: its source data loaded again (checked against the
 * manifest's fingerprint) without every record an earlier request forgot. This is the one place that
 * loads a store's data, so {@code unlearn}, {@code eval}, {@code attack} and {@code retrain} all leave
 * the forgotten records out (a SISA store keeps its current records in {@code data/} instead).
 *
 * @param data the training and test records that remain
 * @param excludedTrain training records left out because earlier requests forgot them
 * @param excludedTest held-out records left out for the same reason
 */
public record StoreData(DatasetRef.Loaded data, int excludedTrain, int excludedTest) {

    /** Loads {@code store}'s source data, refuses data that is not what the store was trained on, and applies its tombstones. */
    public static StoreData load(Store store) throws IOException {
        StoreManifest manifest = store.readManifest();
        DatasetRef.Loaded source = manifest.dataset().source().load();
        if (!source.fingerprint().equals(manifest.dataset().fingerprint())) {
            throw new StoreException("the data at " + (source.ref().path() == null ? source.ref().name() : source.ref().path())
                    + " is not what store " + store.root() + " was trained on (fingerprint " + source.fingerprint()
                    + ", manifest " + manifest.dataset().fingerprint() + "); pass --dataset/--data to evaluate on other data");
        }
        DatasetRef.Loaded kept = Tombstones.of(manifest).exclude(source);
        return new StoreData(kept, source.train().size() - kept.train().size(), source.test().size() - kept.test().size());
    }
}
