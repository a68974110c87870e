package dev.lethe.torch.service;


import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.torch.model.ModelHandle;

import java.io.IOException;

/** Reads what a store holds: its current model (checked against the manifest) and its data. */
public final class StoredModel {

    private StoredModel() {
    }

    /** Loads the current model version after verifying its file digest. */
    public static ModelHandle loadCurrent(Store store, Device device) throws IOException {
        ModelHandle model = ModelHandle.load(store.currentModelFile(), device);
        try {
            TorchScriptTemplates.remember(store, store.readManifest()); // an imported model's graph, for fresh copies
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Loads the store's training and test data again, checks that they are the records the store was
     * trained on (same fingerprint; refuses otherwise, naming both fingerprints), and leaves out every
     * record an earlier request forgot ({@link StoreData}).
     */
    public static DatasetRef.Loaded loadData(Store store) throws IOException {
        return StoreData.load(store).data();
    }
}
