package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;

/**
 * A tiny language model for tests: token embedding → linear to the vocabulary, i.e. a learned bigram
 * table (each position predicts the next token from the current one), {@code [b, T]} int64 in,
 * {@code [b, T, vocabulary]} logits out.
 *
 * <p>Model families are not pluggable yet (ModelHandle builds its block from a classifier spec), so
 * this swaps the layers of a freshly created handle's block for its own. Once families are registered,
 * this becomes a toy family.
 */
public final class TinyLanguageModel {

    private TinyLanguageModel() {
    }

    /** A new model over {@code vocabularySize} token ids with embeddings of {@code width}, initialised from {@code seed}. */
    public static ModelHandle create(int vocabularySize, int width, long seed) {
        ModelHandle model = ModelHandle.create(ModelSpec.parse("logreg", new int[]{1}, 2), seed);
        SequentialBlock block = (SequentialBlock) model.block();
        while (!block.getChildren().isEmpty()) {
            block.removeLastBlock();
        }
        block.add(new TokenEmbedding(vocabularySize, width));
        block.add(Linear.builder().setUnits(vocabularySize).build());
        block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        TorchRuntime.engine().setRandomSeed((int) (Seeds.derive(seed, "tiny-lm") & 0x7fffffff));
        block.initialize(model.manager(), DataType.FLOAT32, new Shape(1, 4));
        return model;
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
