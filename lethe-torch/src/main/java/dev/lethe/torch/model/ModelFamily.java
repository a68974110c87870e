package dev.lethe.torch.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * One kind of model (logistic regression, MLP, CNN, …): how its spec text is parsed, how a DJL
 * {@link Block} is built from a {@link ModelSpec}, which input shapes initialise it, and how its
 * intermediate layers are reached. A new kind of model is one implementation of this interface, found
 * by {@link ModelFamilies} (built in, or through {@link java.util.ServiceLoader}); nothing else in
 * Lethe names a family, so methods, training and the store work on it unchanged.
 *
 * <p>A family is stateless and its {@link #name()} is part of the model's text form in model files
 * and manifests ({@code mlp:256,128}): once models of a family are stored, its name and the canonical
 * text of its parameters must not change, or those files no longer load.
 */
public interface ModelFamily {

    /** The family's parameters, parsed and with defaults filled in: plain data, compared by value. */
    interface Parameters {
        /** The canonical text after the colon of the spec name ({@code 256,128}); empty when there is none. */
        String text();
    }

    /** The family's name: the spec text before the colon, lower case ({@code mlp}). */
    String name();

    /** How the spec text is written, for messages and help ({@code mlp[:w1,w2,...]}). */
    String syntax();

    /**
     * Parses the spec text after the colon ({@code null} when the name stands alone, so the defaults
     * apply). A malformed text fails with an {@link IllegalArgumentException} whose message says
     * what is wrong; the caller prefixes it with the whole spec text.
     */
    Parameters parse(String text);

    /**
     * Checks that {@code parameters} (which {@link #parse} produced) make a model for inputs of
     * {@code inputShape} and {@code numClasses} outputs; fails with an {@link IllegalArgumentException}
     * that says why not. {@link ModelSpec} has already checked the shape and the class count.
     */
    void validate(Parameters parameters, int[] inputShape, int numClasses);

    /** A new, uninitialised block for {@code spec} (whose family is this one). */
    Block build(ModelSpec spec);

    /**
     * A new block for {@code spec} whose arrays will live in {@code manager}, ready for {@code loadParameters}: by default
     * {@link #build(ModelSpec)}. A family whose blocks are bound to a manager when made (a TorchScript module) overrides it.
     */
    default Block build(ModelSpec spec, NDManager manager) {
        return build(spec);
    }

    /** A new block for {@code spec} in {@code manager} that {@link #initialize} will give fresh weights: by default {@link #build(ModelSpec, NDManager)}. */
    default Block buildFresh(ModelSpec spec, NDManager manager) {
        return build(spec, manager);
    }

    /**
     * Gives {@code block} (from {@link #buildFresh}) its initial weights, drawn from the torch generator the caller has
     * just seeded: by default DJL's Xavier initialisation for weights and zeros for biases, at {@link #initializationShapes}.
     */
    default void initialize(Block block, ModelSpec spec, NDManager manager) {
        block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, initializationShapes(spec));
    }

    /**
     * The shapes the block is initialised with, one per model input, batch axis first; by default one
     * input of {@link ModelSpec#batchShape} with a batch of 1.
     */
    default Shape[] initializationShapes(ModelSpec spec) {
        return new Shape[]{spec.batchShape(1)};
    }

    /** The addressable layers of {@code block}, a block that {@link #build} made (and that may have been trained or loaded since). */
    ModelLayers layers(Block block);

    /**
     * Whether every model of this family computes {@code flatten → [linear → relu]* → linear}, with its
     * parameters in the order weight, bias, weight, bias, … from the input: then an ensemble can stack
     * the weights of its shards and run them as one network ({@code StackedShards}). False by default.
     */
    default boolean isDenseReluChain() {
        return false;
    }
}
