package dev.lethe.torch.service;

import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.model.TorchScriptFamily;
import dev.lethe.torch.model.TorchScriptModules;
import java.nio.file.Files;
import java.nio.file.Path;

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
        rememberTemplate(store, model.spec());
        return model;
    }

    /** For an imported TorchScript model, keeps the store's template of its graph for the process, so fresh copies can be made. */
    static void rememberTemplate(Store store, ModelSpec spec) throws IOException {
        if (spec.family() instanceof TorchScriptFamily) {
            String digest = spec.parameters(TorchScriptFamily.ModuleDigest.class).digest();
            Path template = store.root().resolve(ImportService.templateFileName(digest));
            if (Files.isRegularFile(template)) {
                TorchScriptModules.remember(digest, Files.readAllBytes(template));
            }
        }
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
