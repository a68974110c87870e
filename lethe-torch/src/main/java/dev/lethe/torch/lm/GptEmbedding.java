package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The input layer of a {@link GptNetwork}: a learned vector per token id (one-hot ids times the token
 * table) plus a learned vector per position, {@code [b, T]} int64 ids → {@code [b, T, width]}. Positions start at 0, or at the number of
 * tokens already cached when decoding with a {@link KvCache}.
 */
final class GptEmbedding extends AbstractBlock {

    private final int vocabularySize;
    private final int width;
    private final int context;
    private final Parameter tokens;
    private final Parameter positions;

    GptEmbedding(int vocabularySize, int width, int context) {
        this.vocabularySize = vocabularySize;
        this.width = width;
        this.context = context;
        this.tokens = addParameter(Parameter.builder().setName("tokens").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, width)).build());
        this.positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(context, width)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(embed(store, inputs.singletonOrThrow(), 0, training));
    }

    /** The embeddings of {@code ids} {@code [b, T]} placed at positions {@code first .. first + T − 1}. */
    NDArray embed(ParameterStore store, NDArray ids, int first, boolean training) {
        long length = ids.getShape().get(1);
        if (first + length > context) {
            throw new IllegalArgumentException("a sequence of " + (first + length) + " tokens does not fit the model's context of "
                    + context + " tokens: shorten it to at most " + context);
        }
        // one-hot × table rather than an index lookup: the lookup's backward (index_add over repeated ids) sums in
        // an order that varies from run to run on the CPU, a matMul's does not, and at V = 256 it costs little
        NDArray x = ids.oneHot(vocabularySize).toType(DataType.FLOAT32, false).matMul(store.getValue(tokens, ids.getDevice(), training));
        // A slice of a parameter lands in the parameter's (the model's) manager; move it to the batch's, or
        // one slice per forward pass would pile up there (../shared/lm-probe.md).
        NDArray slice = store.getValue(positions, ids.getDevice(), training).get(new NDIndex("{}:{}", first, first + length));
        slice.attach(ids.getManager());
        return x.add(slice);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0].add(width)};
    }
}
