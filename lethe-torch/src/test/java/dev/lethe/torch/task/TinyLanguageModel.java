package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.lethe.torch.model.ModelFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelLayers;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.model.SequentialLayers;

/**
 * A tiny language model for tests, as a model family registered from test sources only
 * ({@code META-INF/services/dev.lethe.torch.model.ModelFamily}): token embedding → linear to the
 * vocabulary, i.e. a learned bigram table (each position predicts the next token from the current one),
 * {@code [b, T]} int64 in, {@code [b, T, vocabulary]} logits out. Spec {@code tiny-lm[:width]}; the spec's
 * class count is the vocabulary size and its input shape a sequence length used only to initialise.
 * Being a family, it saves, loads and copies like any model, so methods that copy the model run on it.
 */
public final class TinyLanguageModel implements ModelFamily {

    public static final String NAME = "tiny-lm";

    /** The embedding width. */
    record Width(int units) implements Parameters {
        @Override
        public String text() {
            return String.valueOf(units);
        }
    }

    /** A new model over {@code vocabularySize} token ids with embeddings of {@code width}, initialised from {@code seed}. */
    public static ModelHandle create(int vocabularySize, int width, long seed) {
        return ModelHandle.create(ModelSpec.parse(NAME + ":" + width, new int[]{4}, vocabularySize), seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return NAME + "[:width]";
    }

    @Override
    public Parameters parse(String text) {
        return new Width(text == null ? 16 : Integer.parseInt(text.trim()));
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        if (((Width) parameters).units() <= 0 || inputShape.length != 1) {
            throw new IllegalArgumentException("tiny-lm needs a positive width and a [length] input shape");
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        SequentialBlock block = new SequentialBlock();
        block.add(new TokenEmbedding(spec.numClasses(), spec.parameters(Width.class).units()));
        block.add(Linear.builder().setUnits(spec.numClasses()).build());
        return block;
    }

    @Override
    public ModelLayers layers(Block block) {
        return new SequentialLayers((SequentialBlock) block);
    }

    /** Looks up a learned vector per token id: {@code [b, T]} ids → {@code [b, T, width]}. */
    private static final class TokenEmbedding extends AbstractBlock {

        private final int width;
        private final Parameter table;

        TokenEmbedding(int vocabularySize, int width) {
            this.width = width;
            this.table = addParameter(Parameter.builder().setName("table").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabularySize, width)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow();
            return Embedding.embedding(ids, store.getValue(table, ids.getDevice(), training), SparseFormat.DENSE);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[]{inputShapes[0].add(width)};
        }
    }
}
