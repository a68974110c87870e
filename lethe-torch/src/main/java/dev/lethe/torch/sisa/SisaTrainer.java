package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.OptimizerState;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainListener;
import dev.lethe.torch.train.TrainLoop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains SISA shards slice by slice (Bourtoule et al. 2021): slice k of shard s trains on the shard's
 * records of slices 0..k for {@code epochs} epochs, starting from the checkpoint after slice k-1, and
 * stores its own checkpoint under a content address ({@link Lineage#checkpointKey}).
 *
 * <p>Every draw is a pure function of the run seed and (shard, slice, epoch): shard s initialises from
 * {@code Seeds.derive(seed, "shard", s)}, slice k shuffles with {@code Seeds.derive(seed, "sisa", s, k)}.
 * Hence a checkpoint depends only on the records it saw, and:
 * <ul>
 *   <li>forgetting records of slice k of shard s = {@link #trainShard} from slice k on the remaining
 *       records, which yields exactly the checkpoints a from-scratch training on D \ X yields;</li>
 *   <li>a checkpoint whose key is already stored is loaded instead of trained, which is how an
 *       interrupted training or forget resumes without changing the result.</li>
 * </ul>
 * Shards train one after another: DJL allows one gradient collector per JVM.
 */
public final class SisaTrainer {

    private final SisaConfig config;
    private final CheckpointStore store;
    private final Device device;
    private TrainListener listener = TrainListener.NONE;
    private Consumer<SliceEvent> onSlice = e -> {
    };

    public SisaTrainer(SisaConfig config, CheckpointStore store, Device device) {
        this.config = config;
        this.store = store;
        this.device = device;
    }

    /** Progress of the training loop inside each slice. */
    public SisaTrainer listener(TrainListener newListener) {
        this.listener = newListener;
        return this;
    }

    /** Called after each slice. */
    public SisaTrainer onSlice(Consumer<SliceEvent> callback) {
        this.onSlice = callback;
        return this;
    }

    /** Trains every shard from slice 0 (reusing stored checkpoints) and returns each shard's final key. */
    public List<CheckpointKey> trainAll(RecordSet records, Lineage lineage) throws IOException {
        List<CheckpointKey> finals = new ArrayList<>();
        for (int s = 0; s < config.plan().shards(); s++) {
            finals.add(trainShard(records, lineage, s, 0));
        }
        return finals;
    }

    /**
     * Trains shard {@code shard} from slice {@code fromSlice} to the last slice, starting from the
     * stored checkpoint of slice {@code fromSlice - 1}; returns the final checkpoint's key.
     *
     * @param records the training records, aligned with {@code lineage}
     */
    public CheckpointKey trainShard(RecordSet records, Lineage lineage, int shard, int fromSlice) throws IOException {
        if (records.size() != lineage.size()) {
            throw new IllegalArgumentException("records (" + records.size() + ") and lineage (" + lineage.size() + ") disagree");
        }
        int slices = config.plan().slices();
        String fingerprint = config.fingerprint();
        SisaCheckpoint current = fromSlice == 0 ? fresh(shard) : loadRequired(lineage.checkpointKey(shard, fromSlice - 1, fingerprint));
        try {
            CheckpointKey key = null;
            for (int k = fromSlice; k < slices; k++) {
                key = lineage.checkpointKey(shard, k, fingerprint);
                int[] positions = lineage.trainingPositions(shard, k);
                long start = System.nanoTime();
                if (store.contains(key)) {
                    current.close();
                    current = SisaCheckpoint.load(store, key, device);
                    onSlice.accept(new SliceEvent(key, positions.length, (System.nanoTime() - start) / 1e9, true));
                    continue;
                }
                if (positions.length > 0) {
                    RecordSet sliceData = records.select(records.name() + "/shard-" + shard + "/slice-" + k, positions);
                    try (TensorData data = TensorData.of(sliceData, current.model().manager())) {
                        new TrainLoop(config.train().withSeed(Seeds.derive(config.train().seed(), "sisa", shard, k)))
                                .listener(listener)
                                .run(current.model(), current.state(), data, Tasks.of(sliceData).objective(), 0);
                    }
                }
                SisaCheckpoint.save(store, key, current.model(), current.state());
                onSlice.accept(new SliceEvent(key, positions.length, (System.nanoTime() - start) / 1e9, false));
            }
            return key;
        } finally {
            current.close();
        }
    }

    private SisaCheckpoint fresh(int shard) {
        ModelHandle model = ModelHandle.create(config.model(), Seeds.derive(config.train().seed(), "shard", shard), device);
        return new SisaCheckpoint(model, OptimizerState.create(config.train(), model));
    }

    private SisaCheckpoint loadRequired(CheckpointKey key) throws IOException {
        if (!store.contains(key)) {
            throw new StoreException("the checkpoint " + key.relativePath() + " that retraining starts from is missing;"
                    + " the store is damaged (run 'lethe audit'), or was trained with another configuration");
        }
        return SisaCheckpoint.load(store, key, device);
    }
}
