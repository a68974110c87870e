package dev.lethe.torch.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;

/**
 * The addressable layers of one model, input side first, the last being the output head: what methods
 * that work inside a model need (RMU steers the activations after layer L, a linear probe reads the
 * activations before the head, layer reset re-initialises the parameters of chosen layers). DJL has no
 * forward hooks, so a family says here how to run a range of its layers.
 *
 * <p>Running layers {@code 0..count()} in order must give exactly what the model's forward pass gives.
 */
public interface ModelLayers {

    /** Number of addressable layers, the head included. */
    int count();

    /** The output of layers {@code from} (inclusive) to {@code to} (exclusive) for {@code inputs}, the input of layer {@code from}. */
    NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training);

    /** The parameters that belong to layer {@code layer}; empty for a layer without any (an activation, a flatten, a pooling). */
    ParameterList parameters(int layer);

    /**
     * Whether the model is one opaque layer whose inside Lethe cannot reach (an imported TorchScript module without a feature
     * output): methods that work at an inner layer and linear probes do not apply. False for every family that names its layers.
     */
    default boolean opaque() {
        return false;
    }
}
