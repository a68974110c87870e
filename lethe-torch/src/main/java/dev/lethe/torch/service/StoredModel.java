package dev.lethe.torch.service;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.ModelHandle;

import java.io.IOException;

/** Reads what a store holds: its current model (checked against the manifest) and its data. */
public final class StoredModel {

    private StoredModel() {
    }

    /** Loads the current model version after verifying its file digest. */
    public static ModelHandle loadCurrent(Store store, Device device) throws IOException {
        return ModelHandle.load(store.currentModelFile(), device);
    }

    /**
     * Loads the store's training and test data again and checks that they are the records the store
     * was trained on (same fingerprint); refuses otherwise, naming both fingerprints.
     */
    public static DatasetRef.Loaded loadData(Store store) throws IOException {
        StoreManifest manifest = store.readManifest();
        DatasetRef.Loaded data = manifest.dataset().source().load();
        if (!data.fingerprint().equals(manifest.dataset().fingerprint())) {
            throw new StoreException("the data at " + (data.ref().path() == null ? data.ref().name() : data.ref().path())
                    + " is not what store " + store.root() + " was trained on (fingerprint " + data.fingerprint()
                    + ", manifest " + manifest.dataset().fingerprint() + "); pass --dataset/--data to evaluate on other data");
        }
        return data;
    }
}
