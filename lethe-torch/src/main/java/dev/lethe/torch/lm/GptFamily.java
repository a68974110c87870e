package dev.lethe.torch.lm;

import ai.djl.nn.Block;
import dev.lethe.torch.model.ModelFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelLayers;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.model.SequentialLayers;

import java.util.Arrays;

/**
 * {@code gpt[:width,layers,heads,context]}: a causal transformer language model (GPT-2's pre-LN layout,
 * Radford et al. 2019), default {@code gpt:192,4,4,640}. The spec's class count is the vocabulary size
 * (256 for byte tokens) and its input shape is {@code [context]}. Int64 token ids {@code [b, T]} in
 * ({@code T ≤ context}), logits {@code [b, T, vocabulary]} out; see {@link GptNetwork} for the layers.
 *
 * <p>Layers as {@link ModelHandle#activations} counts them: layer 0 is the embedding, layers 1..L the
 * transformer blocks and layer L+1 the head, so the activations after layer k are the residual stream
 * after block k (what RMU steers and linear probes read).
 */
public final class GptFamily implements ModelFamily {

    public static final String NAME = "gpt";

    /** A gpt spec over {@code vocabularySize} tokens: {@code text} is {@code gpt} or {@code gpt:width,layers,heads,context}. */
    public static ModelSpec spec(String text, int vocabularySize) {
        String t = text.trim();
        int colon = t.indexOf(':');
        GptShape shape;
        try {
            shape = GptShape.parse(colon < 0 ? null : t.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + text + "': " + e.getMessage(), e);
        }
        return ModelSpec.parse(text, new int[]{shape.context()}, vocabularySize);
    }

    /** The shape of a gpt {@code spec}; fails when the spec is of another family. */
    public static GptShape shape(ModelSpec spec) {
        return spec.parameters(GptShape.class);
    }

    /** Whether {@code spec} is a gpt model. */
    public static boolean isGpt(ModelSpec spec) {
        return spec.family().name().equals(NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "gpt[:width,layers,heads,context]";
    }

    @Override
    public Parameters parse(String text) {
        return GptShape.parse(text);
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        GptShape shape = (GptShape) parameters;
        if (inputShape.length != 1 || inputShape[0] != shape.context()) {
            throw new IllegalArgumentException("gpt's input shape is [context] = [" + shape.context() + "], got "
                    + Arrays.toString(inputShape) + " (GptFamily.spec(text, vocabulary) makes the spec)");
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        return new GptNetwork(shape(spec), spec.numClasses());
    }

    @Override
    public ModelLayers layers(Block block) {
        return new SequentialLayers((GptNetwork) block);
    }
}
