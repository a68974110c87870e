package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

import java.util.ArrayList;
import java.util.List;

/**
 * The network a {@code gpt} spec builds, as a {@link SequentialBlock} of L + 2 children: a
 * {@link GptEmbedding} (token + learned position), L {@link GptBlock}s, and a head (final LayerNorm, then a
 * Linear to the vocabulary, untied from the token embedding). Being sequential, its layers are reached
 * like those of every built-in family.
 *
 * <p>Initialisation is part of the recipe (GPT-2): every weight from N(0, 0.02), LayerNorm γ = 1 and
 * β = 0, biases 0. {@link #setInitializer(Initializer, Parameter.Type)} therefore keeps N(0, 0.02) for
 * weights whatever a caller passes ({@code ModelHandle.create} sets Xavier for every family, whose
 * scale for a 256-row embedding table would differ from the recipe the training schedule was tuned for).
 *
 * <p>{@link #forward(ParameterStore, NDArray, KvCache)} is the decoding path: it embeds the new tokens
 * at the positions after the cached ones and runs each block with its layer of the {@link KvCache}.
 */
final class GptNetwork extends SequentialBlock {

    /** GPT-2's weight initialisation: N(0, 0.02). */
    private static final float WEIGHT_SIGMA = 0.02f;

    private final GptShape shape;
    private final GptEmbedding embedding;
    private final List<GptBlock> blocks = new ArrayList<>();
    private final Block head;

    GptNetwork(GptShape shape, int vocabularySize) {
        this.shape = shape;
        this.embedding = new GptEmbedding(vocabularySize, shape.width(), shape.context());
        add(embedding);
        CausalMask mask = new CausalMask();
        for (int i = 0; i < shape.layers(); i++) {
            GptBlock block = new GptBlock(shape.width(), shape.heads(), mask);
            blocks.add(block);
            add(block);
        }
        this.head = new SequentialBlock().add(LayerNorm.builder().axis(2).build()).add(Linear.builder().setUnits(vocabularySize).build());
        add(head);
        super.setInitializer(new NormalInitializer(WEIGHT_SIGMA), Parameter.Type.WEIGHT);
    }

    GptShape shape() {
        return shape;
    }

    /** A fresh, empty cache for decoding with this network, its arrays under {@code manager}. */
    KvCache newCache(NDManager manager) {
        return new KvCache(manager, blocks.size());
    }

    /**
     * Logits {@code [b, T, vocabulary]} for {@code ids} {@code [b, T]}, the tokens that follow the ones in
     * {@code cache}, whose keys and values are appended to it. Inference only (no gradients).
     */
    NDArray forward(ParameterStore store, NDArray ids, KvCache cache) {
        NDArray x = embedding.embed(store, ids, cache.length(), false);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(store, x, cache.layer(i), false);
        }
        return head.forward(store, new NDList(x), false).singletonOrThrow();
    }

    @Override
    public void setInitializer(Initializer initializer, Parameter.Type type) {
        // The recipe's weight initialisation stays (see the class comment); other types (biases, γ, β) follow the caller.
        super.setInitializer(type == Parameter.Type.WEIGHT ? new NormalInitializer(WEIGHT_SIGMA) : initializer, type);
    }
}
