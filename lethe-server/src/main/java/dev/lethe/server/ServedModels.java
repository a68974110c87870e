package dev.lethe.server;

import ai.djl.Device;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The model version that answers predictions: one reference to an immutable loaded {@link ServedModel},
 * replaced in one step after a switch ({@link #refresh}). A prediction takes a reference to the version current
 * when it starts and keeps it to the end, so no prediction ever sees a half-switched model, and the replaced
 * version is closed only when its last prediction has finished.
 */
final class ServedModels implements AutoCloseable {

    private final Store store;
    private final Device device;
    private final AtomicReference<ServedModel> current;

    ServedModels(Store store, Device device) throws IOException {
        this.store = store;
        this.device = device;
        this.current = new AtomicReference<>(load(store.readManifest()));
    }

    /** Runs {@code use} with the current version, holding a reference to it throughout. */
    <T> T withCurrent(Function<ServedModel, T> use) {
        while (true) {
            ServedModel m = current.get();
            if (m.retain()) {
                try {
                    return use.apply(m);
                } finally {
                    m.release();
                }
            }
        }
    }

    /** The version answering now. */
    int version() {
        return current.get().version();
    }

    /** Loads and serves {@code manifest}'s current version, unless it is served already. */
    synchronized void refresh(StoreManifest manifest) {
        if (manifest.currentVersion() == current.get().version()) {
            return;
        }
        try {
            current.getAndSet(load(manifest)).release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model version " + manifest.currentVersion() + ": " + e.getMessage(), e);
        }
    }

    private ServedModel load(StoreManifest manifest) throws IOException {
        SisaEnsemble ensemble = SisaEnsemble.load(new FileCheckpointStore(store.checkpointsDir()),
                SisaService.currentKeys(manifest), SisaService.config(manifest).aggregation(), device);
        return new ServedModel(manifest.currentVersion(), ensemble);
    }

    @Override
    public synchronized void close() {
        current.get().release();
    }
}
