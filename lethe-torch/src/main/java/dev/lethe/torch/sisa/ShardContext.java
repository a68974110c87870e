package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.sisa.ShardDataStore;
import dev.lethe.torch.train.TrainListener;

import java.util.function.Consumer;

/**
 * What a {@link ShardExecutor} needs besides its jobs: the training configuration, where to train, and the
 * stores it reads records and checkpoints from and writes checkpoints to.
 *
 * @param config the SISA configuration every job trains with
 * @param device the device to train on
 * @param checkpoints the store's checkpoints (start checkpoints are read, trained ones written, here)
 * @param data the store's data files, which the jobs name
 * @param listener progress inside each slice, where the executor can report it
 * @param onSlice called after each slice, where the executor can report it while it runs (results carry them too)
 */
public record ShardContext(SisaConfig config, Device device, CheckpointStore checkpoints, ShardDataStore data,
                           TrainListener listener, Consumer<SliceEvent> onSlice) {
}
