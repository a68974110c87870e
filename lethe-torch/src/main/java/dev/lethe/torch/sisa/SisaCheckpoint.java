package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.torch.model.CorruptModelException;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.OptimizerState;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A SISA checkpoint: everything needed to continue a shard's training bit for bit — the weights,
 * the optimizer state and its update counter (from which Adam's bias correction follows). Closing it
 * frees the model and the state.
 *
 * @param model the shard model after the slice
 * @param state the optimizer state after the slice
 */
public record SisaCheckpoint(ModelHandle model, OptimizerState state) implements AutoCloseable {

    /** Stores model and optimizer state under {@code key}. */
    public static void save(CheckpointStore store, CheckpointKey key, ModelHandle model, OptimizerState state) throws IOException {
        store.put(key, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            model.write(out);
            state.write(out);
            out.flush();
        });
    }

    /** Loads the checkpoint stored under {@code key}. */
    public static SisaCheckpoint load(CheckpointStore store, CheckpointKey key, Device device) throws IOException {
        try (InputStream raw = store.open(key)) {
            DataInputStream in = new DataInputStream(raw);
            ModelHandle model = ModelHandle.read(in, "checkpoint " + key.relativePath(), device);
            try {
                return new SisaCheckpoint(model, OptimizerState.read(in, model));
            } catch (IOException | RuntimeException e) {
                model.close();
                throw new CorruptModelException("checkpoint " + key.relativePath(), "the optimizer state cannot be read (" + e.getMessage() + ")", e);
            }
        }
    }

    @Override
    public void close() {
        state.close();
        model.close();
    }
}
