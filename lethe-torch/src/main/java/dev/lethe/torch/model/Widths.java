package dev.lethe.torch.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The parameters of {@code logreg}, {@code mlp} and {@code cnn}: a comma-separated list of layer
 * widths after the colon ({@code mlp:256,128}), empty for logistic regression.
 *
 * @param values the widths, input side first
 */
public record Widths(List<Integer> values) implements ModelFamily.Parameters {

    public Widths {
        values = List.copyOf(values);
    }

    /** The widths in {@code text} ({@code 256,128}), or {@code defaults} when {@code text} is {@code null}. */
    static Widths parse(String text, List<Integer> defaults) {
        if (text == null) {
            return new Widths(defaults);
        }
        try {
            return new Widths(Arrays.stream(text.split(",")).map(String::trim).map(Integer::valueOf).toList());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("widths must be integers, e.g. mlp:256,128");
        }
    }

    /** The widths of {@code parameters}, which must be {@code Widths} and all positive. */
    static Widths positive(ModelFamily.Parameters parameters) {
        Widths widths = (Widths) parameters;
        if (widths.values.stream().anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException("layer widths must be positive, got " + widths.values);
        }
        return widths;
    }

    @Override
    public String text() {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
