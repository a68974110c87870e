package dev.lethe.torch.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a model is: its architecture, input shape, hidden widths and number of classes. A spec is
 * plain data (it goes into manifests and receipts) and {@link #buildBlock()} turns it into a DJL
 * {@link SequentialBlock}.
 *
 * <p>Every model is a {@code SequentialBlock} whose children are whole layers (DESIGN.md §5): DJL has no
 * forward hooks, so methods that need layer-L activations (RMU, representation probes) run the first L
 * children. The layers:
 * <ul>
 *   <li>{@code logreg}: flatten → linear(classes)</li>
 *   <li>{@code mlp:w1,w2,...}: flatten → [linear(w) → relu] per width → linear(classes)</li>
 *   <li>{@code cnn:c1,c2,h}: [conv3×3(c) → relu → maxpool2] for c1, c2 → flatten → linear(h) → relu →
 *       linear(classes); defaults 32, 64, 128. Works on [C, H, W] inputs with H, W divisible by 4.</li>
 * </ul>
 *
 * @param architecture the model family
 * @param inputShape the shape of one input, without the batch axis
 * @param widths hidden widths (MLP) or c1, c2, h (CNN); empty for logistic regression
 * @param numClasses number of output classes
 */
public record ModelSpec(Architecture architecture, int[] inputShape, List<Integer> widths, int numClasses) {

    public ModelSpec {
        inputShape = inputShape.clone();
        widths = List.copyOf(widths);
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + numClasses);
        }
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("input shape must have positive dimensions, got " + Arrays.toString(inputShape));
        }
        if (widths.stream().anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException("layer widths must be positive, got " + widths);
        }
        switch (architecture) {
            case LOGREG -> {
                if (!widths.isEmpty()) {
                    throw new IllegalArgumentException("logreg has no hidden layers, got widths " + widths);
                }
            }
            case CNN -> {
                if (inputShape.length != 3 || inputShape[1] % 4 != 0 || inputShape[2] % 4 != 0) {
                    throw new IllegalArgumentException("cnn needs [channels, height, width] inputs with height and width"
                            + " divisible by 4 (e.g. [1,28,28] or [3,32,32]), got " + Arrays.toString(inputShape));
                }
                if (widths.size() != 3) {
                    throw new IllegalArgumentException("cnn takes three widths (conv1, conv2, dense), got " + widths);
                }
            }
            case MLP -> {
                if (widths.isEmpty()) {
                    throw new IllegalArgumentException("mlp needs at least one hidden width, e.g. mlp:256,128");
                }
            }
        }
    }

    /**
     * Parses a model name as used on the command line: {@code logreg}, {@code mlp} (default widths
     * 256,128), {@code mlp:256,128}, {@code cnn} or {@code cnn:32,64,128}.
     */
    public static ModelSpec parse(String text, int[] inputShape, int numClasses) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String kind = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
        List<Integer> widths;
        try {
            widths = t.contains(":")
                    ? Arrays.stream(t.substring(t.indexOf(':') + 1).split(",")).map(String::trim).map(Integer::valueOf).toList()
                    : null;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model '" + text + "': widths must be integers, e.g. mlp:256,128");
        }
        return switch (kind) {
            case "logreg" -> new ModelSpec(Architecture.LOGREG, inputShape, widths == null ? List.of() : widths, numClasses);
            case "mlp" -> new ModelSpec(Architecture.MLP, inputShape, widths == null ? List.of(256, 128) : widths, numClasses);
            case "cnn" -> new ModelSpec(Architecture.CNN, inputShape, widths == null ? List.of(32, 64, 128) : widths, numClasses);
            default -> throw new IllegalArgumentException("unknown model '" + text + "': use logreg, mlp[:w1,w2,...] or cnn[:c1,c2,h]");
        };
    }

    /** The name {@link #parse} accepts for this spec, e.g. {@code mlp:256,128}. */
    public String name() {
        String a = architecture.name().toLowerCase(Locale.ROOT);
        return widths.isEmpty() ? a : a + ":" + String.join(",", widths.stream().map(String::valueOf).toList());
    }

    /** Input shape with a leading batch axis of the given size. */
    public Shape batchShape(long batch) {
        long[] dims = new long[inputShape.length + 1];
        dims[0] = batch;
        for (int i = 0; i < inputShape.length; i++) {
            dims[i + 1] = inputShape[i];
        }
        return new Shape(dims);
    }

    /** A new, uninitialised block with this spec's layers. */
    public SequentialBlock buildBlock() {
        SequentialBlock block = new SequentialBlock();
        switch (architecture) {
            case LOGREG -> block.add(Blocks.batchFlattenBlock());
            case MLP -> {
                block.add(Blocks.batchFlattenBlock());
                for (int w : widths) {
                    block.add(Linear.builder().setUnits(w).build());
                    block.add(Activation.reluBlock());
                }
            }
            case CNN -> {
                for (int c : widths.subList(0, 2)) {
                    block.add(Conv2d.builder().setFilters(c).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build());
                    block.add(Activation.reluBlock());
                    block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                }
                block.add(Blocks.batchFlattenBlock());
                block.add(Linear.builder().setUnits(widths.get(2)).build());
                block.add(Activation.reluBlock());
            }
        }
        block.add(Linear.builder().setUnits(numClasses).build());
        return block;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && s.architecture == architecture && Arrays.equals(s.inputShape, inputShape)
                && s.widths.equals(widths) && s.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return (architecture.hashCode() * 31 + Arrays.hashCode(inputShape)) * 31 + widths.hashCode() * 7 + numClasses;
    }

    @Override
    public String toString() {
        return name() + " " + Arrays.toString(inputShape) + " → " + numClasses;
    }
}
