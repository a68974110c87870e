package dev.lethe.torch.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
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
 * A small causal language model for the evaluation tests, registered from test sources only: unlike
 * the bigram {@code tiny-lm} it sees the whole prefix, so it can learn which answer follows which
 * question, and its hidden layer holds what it is about to say — what the removal-vs-suppression
 * probes look for. Each position's features are the current token's embedding, the previous token's
 * and the mean embedding of the prefix so far (causal: no position sees a later one, so right padding
 * changes nothing), then {@code Linear(hidden) → tanh → Linear(vocabulary)}. Layers: 0 features, 1
 * linear, 2 tanh (the hidden state), 3 the head. Spec {@code prefix-lm[:width,hidden]}; the input shape
 * is {@code [context]}.
 */
public final class PrefixLanguageModel implements ModelFamily {

    public static final String NAME = "prefix-lm";

    /** The embedding width and the hidden width. */
    record Widths(int embedding, int hidden) implements Parameters {
        @Override
        public String text() {
            return embedding + "," + hidden;
        }
    }

    /** A new model over {@code vocabularySize} tokens with the given context and widths, initialised from {@code seed}. */
    public static ModelHandle create(int vocabularySize, int context, int width, int hidden, long seed) {
        return ModelHandle.create(ModelSpec.parse(NAME + ":" + width + "," + hidden, new int[]{context}, vocabularySize), seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return NAME + "[:width,hidden]";
    }

    @Override
    public Parameters parse(String text) {
        if (text == null) {
            return new Widths(16, 64);
        }
        String[] parts = text.split(",");
        return new Widths(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        Widths w = (Widths) parameters;
        if (w.embedding() <= 0 || w.hidden() <= 0 || inputShape.length != 1) {
            throw new IllegalArgumentException("prefix-lm needs positive widths and a [context] input shape");
        }
    }

    @Override
    public Block build(ModelSpec spec) {
        Widths w = spec.parameters(Widths.class);
        SequentialBlock block = new SequentialBlock();
        block.add(new PrefixFeatures(spec.numClasses(), w.embedding()));
        block.add(Linear.builder().setUnits(w.hidden()).build());
        block.add(Activation.tanhBlock());
        block.add(Linear.builder().setUnits(spec.numClasses()).build());
        return block;
    }

    @Override
    public ModelLayers layers(Block block) {
        return new SequentialLayers((SequentialBlock) block);
    }

    /** {@code [b, T]} ids → {@code [b, T, 3·width]}: the token's embedding, the previous token's, and the prefix's mean embedding. */
    private static final class PrefixFeatures extends AbstractBlock {

        private final int width;
        private final Parameter table;

        PrefixFeatures(int vocabularySize, int width) {
            this.width = width;
            this.table = addParameter(Parameter.builder().setName("table").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabularySize, width)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray ids = inputs.singletonOrThrow();
            NDManager manager = ids.getManager();
            long b = ids.getShape().get(0);
            long length = ids.getShape().get(1);
            NDArray embedded = Embedding.embedding(ids, store.getValue(table, ids.getDevice(), training), SparseFormat.DENSE).singletonOrThrow();
            NDArray start = manager.zeros(new Shape(b, 1, width));
            NDArray previous = length == 1 ? start : start.concat(embedded.get(":, :-1, :"), 1);
            NDArray prefixMean = embedded.cumSum(1).div(manager.arange(1f, length + 1f).reshape(1, length, 1));
            return new NDList(NDArrays.concat(new NDList(embedded, previous, prefixMean), 2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[]{inputShapes[0].add(3L * width)};
        }
    }
}
