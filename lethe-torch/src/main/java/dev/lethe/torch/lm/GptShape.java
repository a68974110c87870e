package dev.lethe.torch.lm;

import dev.lethe.torch.model.ModelFamily;

import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a {@code gpt} model: embedding width, number of transformer blocks, attention heads
 * per block, and the context (the longest sequence, which is also the number of learned positions).
 * Canonical text {@code width,layers,heads,context}, e.g. {@code 192,4,4,640}.
 *
 * @param width the embedding width d (a multiple of {@code heads})
 * @param layers the number of transformer blocks L
 * @param heads attention heads per block
 * @param context the longest sequence the model reads, in tokens
 */
public record GptShape(int width, int layers, int heads, int context) implements ModelFamily.Parameters {

    /** {@code gpt:192,4,4,640}: the size that memorises 20 TOFU authors on two cores (../shared/lm-probe.md). */
    public static final GptShape DEFAULT = new GptShape(192, 4, 4, 640);

    public GptShape {
        if (width <= 0 || layers <= 0 || heads <= 0 || context <= 0) {
            throw new IllegalArgumentException("gpt width, layers, heads and context must all be positive, got "
                    + width + "," + layers + "," + heads + "," + context);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("gpt width " + width + " is not a multiple of the " + heads
                    + " heads: each head takes width / heads channels, so pick a width divisible by the heads (e.g. "
                    + (width / heads + 1) * heads + ")");
        }
    }

    /** The shape in {@code text} ({@code width,layers,heads,context}), or {@link #DEFAULT} when {@code text} is {@code null}. */
    static GptShape parse(String text) {
        if (text == null) {
            return DEFAULT;
        }
        List<String> parts = Arrays.stream(text.split(",", -1)).map(String::trim).toList();
        if (parts.size() != 4) {
            throw new IllegalArgumentException("gpt takes four numbers, width,layers,heads,context (e.g. gpt:192,4,4,640), got '" + text + "'");
        }
        try {
            return new GptShape(Integer.parseInt(parts.get(0)), Integer.parseInt(parts.get(1)), Integer.parseInt(parts.get(2)),
                    Integer.parseInt(parts.get(3)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gpt's width,layers,heads,context must be integers (e.g. gpt:192,4,4,640), got '" + text + "'", e);
        }
    }

    /** Channels per attention head: {@code width / heads}. */
    public int headWidth() {
        return width / heads;
    }

    @Override
    public String text() {
        return width + "," + layers + "," + heads + "," + context;
    }
}
