package dev.lethe.torch.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

import java.util.Arrays;
import java.util.List;

/**
 * {@code cnn:c1,c2,h}: a small convolutional network for {@code [C, H, W]} images with H and W
 * divisible by 4 (28×28×1, 32×32×3); defaults 32, 64, 128. Layers: [conv3×3(c) → relu → maxpool2] for
 * c1, c2 → flatten → linear(h) → relu → linear(classes).
 */
public final class CnnFamily implements ModelFamily {

    public static final String NAME = "cnn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "cnn[:c1,c2,h]";
    }

    @Override
    public Parameters parse(String text) {
        return Widths.parse(text, List.of(32, 64, 128));
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        Widths widths = Widths.positive(parameters);
        if (inputShape.length != 3 || inputShape[1] % 4 != 0 || inputShape[2] % 4 != 0) {
            throw new IllegalArgumentException("cnn needs [channels, height, width] inputs with height and width"
                    + " divisible by 4 (e.g. [1,28,28] or [3,32,32]), got " + Arrays.toString(inputShape));
        }
        if (widths.values().size() != 3) {
            throw new IllegalArgumentException("cnn takes three widths (conv1, conv2, dense), got " + widths.values());
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        List<Integer> widths = spec.parameters(Widths.class).values();
        SequentialBlock block = new SequentialBlock();
        for (int c : widths.subList(0, 2)) {
            block.add(Conv2d.builder().setFilters(c).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build());
            block.add(Activation.reluBlock());
            block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        block.add(Blocks.batchFlattenBlock());
        block.add(Linear.builder().setUnits(widths.get(2)).build());
        block.add(Activation.reluBlock());
        block.add(Linear.builder().setUnits(spec.numClasses()).build());
        return block;
    }

    @Override
    public ModelLayers layers(Block block) {
        return new SequentialLayers((SequentialBlock) block);
    }
}
