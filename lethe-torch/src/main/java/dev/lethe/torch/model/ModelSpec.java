package dev.lethe.torch.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What a model is: its {@link ModelFamily}, the family's parameters, the shape of one input and the
 * number of classes (the size of the output). A spec is plain data: its text form
 * ({@link #name()}, e.g. {@code mlp:256,128}) goes into model files, manifests and receipts, and
 * its family builds the DJL {@link Block} ({@link ModelFamily#build}).
 *
 * <p>The built-in families are {@code logreg}, {@code mlp[:w1,w2,...]} and {@code cnn[:c1,c2,h]}
 * ({@link LogregFamily}, {@link MlpFamily}, {@link CnnFamily}, which describe their layers); others
 * plug in through {@link ModelFamilies}.
 *
 * @param family the model family
 * @param parameters the family's parameters, as {@link ModelFamily#parse} made them
 * @param inputShape the shape of one input, without the batch axis
 * @param numClasses number of output classes
 */
public record ModelSpec(ModelFamily family, ModelFamily.Parameters parameters, int[] inputShape, int numClasses) {

    public ModelSpec {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(parameters, "parameters");
        inputShape = inputShape.clone();
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + numClasses);
        }
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("input shape must have positive dimensions, got " + Arrays.toString(inputShape));
        }
        family.validate(parameters, inputShape, numClasses);
    }

    /**
     * Parses a model name as used on the command line and in model files: the family's name, then
     * optionally a colon and its parameters — {@code logreg}, {@code mlp} (default widths 256,128),
     * {@code mlp:256,128}, {@code cnn} or {@code cnn:32,64,128}. An unknown family fails with the
     * list of the registered ones.
     */
    public static ModelSpec parse(String text, int[] inputShape, int numClasses) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).toLowerCase(Locale.ROOT);
        ModelFamily family = ModelFamilies.find(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + text + "': use " + ModelFamilies.choices()));
        ModelFamily.Parameters parameters;
        try {
            parameters = family.parse(colon < 0 ? null : t.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + text + "': " + e.getMessage(), e);
        }
        return new ModelSpec(family, parameters, inputShape, numClasses);
    }

    /** The name {@link #parse} accepts for this spec, e.g. {@code mlp:256,128}. */
    public String name() {
        String text = parameters.text();
        return text.isEmpty() ? family.name() : family.name() + ":" + text;
    }

    /** The parameters as the family's own type; a family uses this to read the parameters it parsed. */
    public <P extends ModelFamily.Parameters> P parameters(Class<P> type) {
        if (!type.isInstance(parameters)) {
            throw new IllegalStateException(family.name() + " expects " + type.getSimpleName() + " parameters, got "
                    + parameters.getClass().getSimpleName());
        }
        return type.cast(parameters);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && s.family.name().equals(family.name()) && s.parameters.equals(parameters)
                && Arrays.equals(s.inputShape, inputShape) && s.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return ((family.name().hashCode() * 31 + parameters.hashCode()) * 31 + Arrays.hashCode(inputShape)) * 31 + numClasses;
    }

    @Override
    public String toString() {
        return name() + " " + Arrays.toString(inputShape) + " → " + numClasses;
    }
}
