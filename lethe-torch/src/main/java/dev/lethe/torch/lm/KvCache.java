package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * The attention keys and values a {@link GptNetwork} has computed for the tokens decoded so far, one
 * {@link Layer} per block, so that each new token costs one position's work instead of a forward pass
 * over the whole sequence. The arrays live in the cache's own manager (closing the cache frees them);
 * each append replaces a layer's arrays with longer ones and frees the old.
 */
final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final List<Layer> layers = new ArrayList<>();

    KvCache(NDManager parent, int layerCount) {
        this.manager = parent.newSubManager();
        for (int i = 0; i < layerCount; i++) {
            layers.add(new Layer());
        }
    }

    /** The cache of block {@code index} (0-based). */
    Layer layer(int index) {
        return layers.get(index);
    }

    /** How many positions are cached (the position the next token takes). */
    int length() {
        NDArray keys = layers.get(0).keys;
        return keys == null ? 0 : (int) keys.getShape().get(2);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** One block's cached keys and values, {@code [b, heads, positions, headWidth]} each. */
    final class Layer {

        private NDArray keys;
        private NDArray values;

        /** Appends the new positions' keys and values and returns all of them: (keys, values). */
        NDList append(NDArray newKeys, NDArray newValues) {
            keys = extend(keys, newKeys);
            values = extend(values, newValues);
            return new NDList(keys, values);
        }

        private NDArray extend(NDArray cached, NDArray added) {
            NDArray all = cached == null ? added.duplicate() : NDArrays.concat(new NDList(cached, added), 2);
            all.attach(manager);
            if (cached != null) {
                cached.close();
            }
            return all;
        }
    }
}
