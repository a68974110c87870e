package dev.lethe.torch.model;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.util.List;

/**
 * {@code logreg}: logistic regression, one linear layer on the flattened input (trained with softmax
 * cross-entropy, or one-vs-rest for certified removal). Layers: flatten → linear(classes).
 */
public final class LogregFamily implements ModelFamily {

    public static final String NAME = "logreg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return NAME;
    }

    @Override
    public Parameters parse(String text) {
        return Widths.parse(text, List.of());
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        Widths widths = Widths.positive(parameters);
        if (!widths.values().isEmpty()) {
            throw new IllegalArgumentException("logreg has no hidden layers, got widths " + widths.values());
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(spec.numClasses()).build());
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
