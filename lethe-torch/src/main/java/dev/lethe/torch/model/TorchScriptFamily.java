package dev.lethe.torch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.regex.Pattern;

/**
 * {@code torchscript:<sha256>}: a user's own model, trained in Python PyTorch and saved with {@code torch.jit.script} or
 * {@code torch.jit.trace}, any architecture whose forward pass maps a float batch {@code [b, ...inputShape]} to class logits
 * {@code [b, classes]}. The parameter is the SHA-256 of the module file as it was imported ({@link TorchScriptModules}); DJL's
 * PyTorch engine runs the module as a {@link PtSymbolBlock} (in a {@link TorchScriptBlock}) and trains its parameters like any other block, so every method
 * that needs only the forward pass, the loss and the parameters works on it unchanged.
 *
 * <p>The module is opaque: Lethe sees one layer (the whole module, its head included), so methods that work inside a model
 * at a named layer (layer reset, RMU, linear probes) do not apply ({@link #hasNamedLayers()}). A model file of this
 * family holds the whole module (graph and weights), so it loads without anything else; a <em>fresh</em> copy (retraining,
 * SISA shards) is the imported module's graph with weights drawn from the seed ({@link #initialize}).
 */
public final class TorchScriptFamily implements ModelFamily {

    public static final String NAME = "torchscript";

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    /** The module's identity: the SHA-256 (hex) of its file as imported. */
    public record ModuleDigest(String digest) implements Parameters {
        @Override
        public String text() {
            return digest;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "torchscript:FILE.pt";
    }

    @Override
    public Parameters parse(String text) {
        if (text == null || !DIGEST.matcher(text).matches()) {
            throw new IllegalArgumentException("a torchscript model is named by its module's SHA-256 (64 hex digits); bring one in with"
                    + " 'lethe import --model FILE.pt'");
        }
        return new ModuleDigest(text);
    }

    @Override
    public void validate(Parameters parameters, int[] inputShape, int numClasses) {
        // the module's own graph fixes what it accepts: TorchScriptModules checks it by running it on the data's shape
    }

    @Override
    public Block build(ModelSpec spec) {
        throw new UnsupportedOperationException("a TorchScript module is bound to a manager when it is built: use build(spec, manager)");
    }

    /**
     * An empty module bound to {@code manager}, which {@code loadParameters} fills from a model file (graph and weights), or —
     * when the imported module is {@linkplain TorchScriptModules#remember remembered} in this process — a copy of it, whose
     * weights {@link #initialize} then replaces.
     */
    @Override
    public Block build(ModelSpec spec, NDManager manager) {
        TorchScriptModules.runUnoptimised();
        return new TorchScriptBlock(new PtSymbolBlock((PtNDManager) manager));
    }

    @Override
    public Block buildFresh(ModelSpec spec, NDManager manager) {
        return TorchScriptModules.instantiate(spec.parameters(ModuleDigest.class).digest(), manager);
    }

    /**
     * Fresh weights from the torch generator the caller seeded: Glorot-uniform for every weight of two or more axes
     * ({@code U(−a, a)}, {@code a = √(6 / (fan_in + fan_out))}, the receptive field counted in both fans), ones for a
     * one-axis weight (a normalisation's scale), zeros for biases. Buffers the module keeps outside its parameters
     * (BatchNorm's running statistics) keep the imported values: they are not parameters DJL can reach.
     */
    @Override
    public void initialize(Block block, ModelSpec spec, NDManager manager) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            try (NDManager scratch = manager.newSubManager()) {
                NDArray values;
                long[] shape = w.getShape().getShape();
                if (p.getKey().endsWith("bias")) {
                    values = scratch.zeros(w.getShape(), w.getDataType());
                } else if (shape.length >= 2) {
                    long receptive = 1;
                    for (int i = 2; i < shape.length; i++) {
                        receptive *= shape[i];
                    }
                    float bound = (float) Math.sqrt(6.0 / ((shape[0] + shape[1]) * receptive));
                    values = scratch.randomUniform(-bound, bound, w.getShape(), w.getDataType());
                } else {
                    values = scratch.ones(w.getShape(), w.getDataType());
                }
                ParameterValues.assign(w, values);
            }
        }
    }

    @Override
    public ModelLayers layers(Block block) {
        return new WholeModule(block);
    }

    @Override
    public boolean hasNamedLayers() {
        return false;
    }

    /** The module as one layer: its forward pass, all its parameters. */
    private record WholeModule(Block block) implements ModelLayers {
        @Override
        public int count() {
            return 1;
        }

        @Override
        public NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training) {
            if (from == to) {
                return inputs;
            }
            if (from != 0 || to != 1) {
                throw new IllegalArgumentException("a TorchScript module is one opaque layer: layers " + from + ".." + to + " do not exist");
            }
            return block.forward(parameterStore, inputs, training);
        }

        @Override
        public ParameterList parameters(int layer) {
            if (layer != 0) {
                throw new IllegalArgumentException("a TorchScript module is one opaque layer, 0; there is no layer " + layer);
            }
            return block.getParameters();
        }
    }
}
