package dev.lethe.server;

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
import dev.lethe.torch.model.ModelLayers;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.model.SequentialLayers;

/**
 * The server tests' language model, a model family registered from test sources only
 * ({@code META-INF/services/dev.lethe.torch.model.ModelFamily}): a learned bigram table (token embedding → linear to the
 * vocabulary), {@code [b, T]} ids in, {@code [b, T, vocabulary]} logits out, spec {@value #NAME}{@code [:width]}. It is
 * lethe-torch's test family {@code tiny-lm} again, because test classes do not cross modules; what the server tests
 * need of it is only that it is a small language model a SISA store can train, forget in and generate from.
 */
public final class BigramLanguageModel implements ModelFamily {

    public static final String NAME = "server-test-lm";

    /** The embedding width. */
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
        return NAME + "[:width]";
    }

    @Override
    public Parameters parse(String text) {
        return new Width(text == null ? 8 : Integer.parseInt(text.trim()));
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        if (((Width) parameters).units() <= 0 || inputShape.length != 1) {
            throw new IllegalArgumentException(NAME + " needs a positive width and a [length] input shape");
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
