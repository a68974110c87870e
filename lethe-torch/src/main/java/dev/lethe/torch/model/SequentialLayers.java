package dev.lethe.torch.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

/** The layers of a {@link SequentialBlock}: one per child, so layer L's output is that of the first L+1 children. */
public final class SequentialLayers implements ModelLayers {

    private final List<Block> children = new ArrayList<>();

    public SequentialLayers(SequentialBlock block) {
        for (Pair<String, Block> child : block.getChildren()) {
            children.add(child.getValue());
        }
    }

    @Override
    public int count() {
        return children.size();
    }

    @Override
    public NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training) {
        NDList x = inputs;
        for (int i = from; i < to; i++) {
            x = children.get(i).forward(parameterStore, x, training);
        }
        return x;
    }

    @Override
    public ParameterList parameters(int layer) {
        return children.get(layer).getParameters();
    }
}
