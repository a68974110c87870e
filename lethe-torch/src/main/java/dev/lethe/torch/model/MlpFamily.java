package dev.lethe.torch.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.util.List;

/**
 * {@code mlp:w1,w2,...}: a multi-layer perceptron with ReLU hidden layers (default widths 256,128).
 * Layers: flatten → [linear(w) → relu] per width → linear(classes).
 */
public final class MlpFamily implements ModelFamily {

    public static final String NAME = "mlp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "mlp[:w1,w2,...]";
    }

    @Override
    public Parameters parse(String text) {
        return Widths.parse(text, List.of(256, 128));
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        if (Widths.positive(parameters).values().isEmpty()) {
            throw new IllegalArgumentException("mlp needs at least one hidden width, e.g. mlp:256,128");
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        SequentialBlock block = new SequentialBlock();
        block.add(Blocks.batchFlattenBlock());
        for (int w : spec.parameters(Widths.class).values()) {
            block.add(Linear.builder().setUnits(w).build());
            block.add(Activation.reluBlock());
        }
        block.add(Linear.builder().setUnits(spec.numClasses()).build());
        return block;
    }

    @Override
    public ModelLayers layers(Block block) {
        return new SequentialLayers((SequentialBlock) block);
    }

    @Override
    public boolean isDenseReluChain() {
        return true;
    }
}
