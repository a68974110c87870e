package dev.lethe.core.store;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The records a single-model store works on now: its source data loaded again (checked against the
 * manifest's fingerprint) without every record an earlier request forgot. This is the one place that
 * loads a store's data, so {@code unlearn}, {@code eval}, {@code attack} and {@code retrain} all leave
 * the forgotten records out (a SISA store keeps its current records in {@code data/} instead).
 *
 * @param data the training and test records that remain
 * @param source the source as loaded, forgotten records included: only to name a forget set that was
 *               already unlearned (an evaluation of that very unlearning), never to train on
 * @param excludedTrain training records left out because earlier requests forgot them
 * @param excludedTest held-out records left out for the same reason
 */
public record StoreData(DatasetRef.Loaded data, DatasetRef.Loaded source, int excludedTrain, int excludedTest) {

    /** Loads {@code store}'s source data, refuses data that is not what the store was trained on, and applies its tombstones. */
    public static StoreData load(Store store) throws IOException {
        StoreManifest manifest = store.readManifest();
        DatasetRef ref = manifest.dataset().source();
        if (store.dataOverride() != null) {
            ref = ref.withPath(store.dataOverride().toString());
        }
        DatasetRef.Loaded source;
        try {
            source = ref.load();
        } catch (java.nio.file.NoSuchFileException | dev.lethe.core.data.catalog.DatasetNotFoundException e) {
            throw new StoreException("the data store " + store.root() + " was trained on is not at "
                    + (ref.path() == null ? "the data folder (" + ref.name() + ")" : ref.path()) + " any more (" + e.getMessage()
                    + "); pass --data with where it is now (its fingerprint must be " + manifest.dataset().fingerprint() + ")");
        }
        if (!source.fingerprint().equals(manifest.dataset().fingerprint())) {
            throw new StoreException("the data at " + (source.ref().path() == null ? source.ref().name() : source.ref().path())
                    + " is not what store " + store.root() + " was trained on (fingerprint " + source.fingerprint()
                    + ", manifest " + manifest.dataset().fingerprint() + "); pass --data with the data it was trained on");
        }
        DatasetRef.Loaded kept = Tombstones.of(manifest, dev.lethe.core.keys.StoreKeys.forReading(store)).exclude(source);
        return new StoreData(kept, source, source.train().size() - kept.train().size(), source.test().size() - kept.test().size());
    }

    /**
     * The source's training records at {@code selected} (positions in {@code source().train()}, forgotten
     * records included, so that what an earlier request unlearned can be evaluated), and the current
     * training records that are not among them.
     */
    public Split split(Set<Integer> selected) {
        RecordSet all = source.train();
        Set<String> ids = new HashSet<>();
        selected.forEach(i -> ids.add(all.id(i)));
        RecordSet current = data.train();
        return new Split(all.filter("selected", selected::contains), current.filter("rest", i -> !ids.contains(current.id(i))));
    }

    /**
     * Training records split by a selector.
     *
     * @param selected the selected records
     * @param rest the current training records that were not selected (never a forgotten one)
     */
    public record Split(RecordSet selected, RecordSet rest) {
    }
}
