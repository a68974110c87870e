package dev.lethe.server;

import ai.djl.Device;
import dev.lethe.core.sisa.DamagedCheckpointException;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The model version that answers predictions: one reference to an immutable loaded {@link ServedModel},
 * replaced in one step after a switch ({@link #refresh}). A prediction takes a reference to the version current
 * when it starts and keeps it to the end, so no prediction ever sees a half-switched model, and the replaced
 * version is closed only when its last prediction has finished.
 *
 * <p>The store's manifest decides what is current, whichever process switched it (this server's worker or a
 * {@code lethe forget} elsewhere): every prediction first compares the manifest's current version with the one
 * loaded (a cached stat of the file, microseconds) and loads the new one before answering, so no prediction that
 * starts after a switch is answered by the version before it. A version that cannot be loaded (a damaged or
 * missing checkpoint, refused by {@link VerifiedCheckpointStore}) is not replaced by the previous one: nothing is
 * served, predictions get 503 and the health says which shard is damaged.
 */
final class ServedModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServedModels.class);
    /** How often a version that could not be loaded is tried again (after a repair, it loads). */
    private static final long RETRY_NANOS = 1_000_000_000L;

    /**
     * What the server serves.
     *
     * @param servedVersion the version answering predictions, or null when none can
     * @param currentVersion the manifest's current version when last loaded or tried
     * @param problem why nothing is served (null when serving)
     * @param damagedShard the shard whose checkpoint was refused, or null
     * @param damagedFile that checkpoint, relative to the store, or null
     */
    record State(Integer servedVersion, int currentVersion, String problem, Integer damagedShard, String damagedFile) {
        boolean ok() {
            return servedVersion != null;
        }
    }

    private final Store store;
    private final Device device;
    private final AtomicReference<ServedModel> current = new AtomicReference<>();
    private volatile State state;
    private volatile long lastTry;

    ServedModels(Store store, Device device) {
        this.store = store;
        this.device = device;
        refresh(store.readManifest());
    }

    /** Runs {@code use} with the current version, holding a reference to it throughout; 503 when none is servable. */
    <T> T withCurrent(Function<ServedModel, T> use) {
        follow(false);
        while (true) {
            ServedModel m = current.get();
            if (m == null) {
                throw new ApiException(503, null, "no model is served: " + state.problem());
            }
            if (m.retain()) {
                try {
                    return use.apply(m);
                } finally {
                    m.release();
                }
            }
        }
    }

    /**
     * Loads the manifest's current version if it is not the one tried last; with {@code retry}, also tries again a
     * version that could not be loaded (at most once a second). Called per prediction and by the follower thread.
     */
    void follow(boolean retry) {
        StoreManifest manifest = store.readManifest();
        State s = state;
        if (manifest.currentVersion() != s.currentVersion() || (retry && !s.ok() && System.nanoTime() - lastTry > RETRY_NANOS)) {
            refresh(manifest);
        }
    }

    /** The version answering now, or 0 when none is. */
    int version() {
        ServedModel m = current.get();
        return m == null ? 0 : m.version();
    }

    /** What is served, and why not when nothing is. */
    State state() {
        return state;
    }

    /** Loads and serves {@code manifest}'s current version, unless it is served already. */
    synchronized void refresh(StoreManifest manifest) {
        ServedModel served = current.get();
        if (served != null && manifest.currentVersion() == served.version()) {
            return;
        }
        lastTry = System.nanoTime();
        try {
            ServedModel loaded = load(manifest);
            replace(loaded);
            state = new State(loaded.version(), manifest.currentVersion(), null, null, null);
            LOG.info("serving model version {}", loaded.version());
        } catch (IOException | StoreException e) {
            // never fall back to the version before: it may hold data a request erased
            replace(null);
            DamagedCheckpointException damaged = e instanceof DamagedCheckpointException d ? d : null;
            state = new State(null, manifest.currentVersion(), e.getMessage(), damaged == null ? null : damaged.key().shard(),
                    damaged == null ? null : "checkpoints/" + damaged.key().relativePath());
            LOG.error("cannot serve model version {}: {}", manifest.currentVersion(), e.getMessage());
        }
    }

    private void replace(ServedModel next) {
        ServedModel old = current.getAndSet(next);
        if (old != null) {
            old.release();
        }
    }

    private ServedModel load(StoreManifest manifest) throws IOException {
        SisaEnsemble ensemble = SisaEnsemble.load(VerifiedCheckpointStore.of(store, manifest),
                SisaService.currentKeys(manifest), SisaService.config(manifest).aggregation(), device);
        return new ServedModel(manifest.currentVersion(), ensemble);
    }

    @Override
    public synchronized void close() {
        replace(null);
    }
}
