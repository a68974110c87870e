package dev.lethe.torch.model.plugin;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A toy residual network that is deliberately not a {@link SequentialBlock}: stem = flatten → linear(w)
 * → relu; residual = relu(h + linear(h)); head = linear(classes). Its three layers are what
 * {@link ResidualFamily} exposes; the forward pass is exactly those three in order.
 */
final class ResidualBlock extends AbstractBlock {

    static final int LAYERS = 3;
    private static final byte VERSION = 1;

    private final int classes;
    private final Block stem;
    private final Block inner;
    private final Block head;

    ResidualBlock(int width, int classes) {
        super(VERSION);
        this.classes = classes;
        stem = addChildBlock("stem", new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(width).build())
                .add(Activation.reluBlock()));
        inner = addChildBlock("inner", Linear.builder().setUnits(width).build());
        head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    /** Layer {@code layer} (0 stem, 1 residual, 2 head) applied to its input {@code x}. */
    NDList layer(int layer, ParameterStore parameterStore, NDList x, boolean training) {
        return switch (layer) {
            case 0 -> stem.forward(parameterStore, x, training);
            case 1 -> new NDList(Activation.relu(x.singletonOrThrow().add(inner.forward(parameterStore, x, training).singletonOrThrow())));
            case 2 -> head.forward(parameterStore, x, training);
            default -> throw new IndexOutOfBoundsException("layer " + layer + " of " + LAYERS);
        };
    }

    /** The parameters of layer {@code layer}. */
    ParameterList layerParameters(int layer) {
        return switch (layer) {
            case 0 -> stem.getParameters();
            case 1 -> inner.getParameters();
            case 2 -> head.getParameters();
            default -> throw new IndexOutOfBoundsException("layer " + layer + " of " + LAYERS);
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (int l = 0; l < LAYERS; l++) {
            x = layer(l, parameterStore, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stem.initialize(manager, dataType, inputShapes);
        Shape[] hidden = stem.getOutputShapes(inputShapes);
        inner.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }
}
