package dev.lethe.torch.model.plugin;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import dev.lethe.torch.model.ModelFamily;
import dev.lethe.torch.model.ModelLayers;
import dev.lethe.torch.model.ModelSpec;

/**
 * {@code residual[:width]}: a toy model family that lives only in test sources and plugs in through
 * {@code META-INF/services/dev.lethe.torch.model.ModelFamily}, without any edit to the built-in families
 * or the registry. Its parameters are one width (default 16), not a list of widths, and its block
 * ({@link ResidualBlock}) is not a {@code SequentialBlock}.
 */
public final class ResidualFamily implements ModelFamily {

    public static final String NAME = "residual";

    /** The hidden width. */
    record Width(int units) implements Parameters {
        @Override
        public String text() {
            return String.valueOf(units);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "residual[:width]";
    }

    @Override
    public Parameters parse(String text) {
        if (text == null) {
            return new Width(16);
        }
        try {
            return new Width(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the width must be an integer, e.g. residual:16");
        }
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        if (((Width) parameters).units() <= 0) {
            throw new IllegalArgumentException("the width must be positive, got " + ((Width) parameters).units());
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        return new ResidualBlock(spec.parameters(Width.class).units(), spec.numClasses());
    }

    @Override
    public ModelLayers layers(Block block) {
        ResidualBlock residual = (ResidualBlock) block;
        return new ModelLayers() {
            @Override
            public int count() {
                return ResidualBlock.LAYERS;
            }

            @Override
            public NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training) {
                NDList x = inputs;
                for (int l = from; l < to; l++) {
                    x = residual.layer(l, parameterStore, x, training);
                }
                return x;
            }

            @Override
            public ParameterList parameters(int layer) {
                return residual.layerParameters(layer);
            }
        };
    }
}
