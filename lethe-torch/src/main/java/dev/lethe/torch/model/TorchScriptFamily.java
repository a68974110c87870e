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

import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code torchscript:<sha256>}: a user's own model, trained in Python PyTorch and saved with {@code torch.jit.script} or
 * {@code torch.jit.trace}, any architecture whose forward pass maps a float batch {@code [b, ...inputShape]} to class logits
 * {@code [b, classes]}. The parameter is the SHA-256 of the module file as it was imported ({@link TorchScriptModules}); DJL's
 * PyTorch engine runs the module as a {@link PtSymbolBlock} (in a {@link TorchScriptBlock}) and trains its parameters like any other block, so every method
 * that needs only the forward pass, the loss and the parameters works on it unchanged.
 *
 * <p>A module with only {@code forward} is opaque: Lethe sees one layer (the whole module, its head included), so methods that
 * work inside a model at a layer (layer reset, RMU, linear probes) do not apply. A module that also exports
 * {@code features(x)} and {@code classify(h)} (with {@code @torch.jit.export}, {@code forward(x) == classify(features(x))})
 * has two layers, the feature extractor and the head ({@link #layers}), and those methods run on it. A model file of this
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
        return new TorchScriptBlock(new PtSymbolBlock((PtNDManager) manager), spec.inputShape());
    }

    @Override
    public Block buildFresh(ModelSpec spec, NDManager manager) {
        return TorchScriptModules.instantiate(spec.parameters(ModuleDigest.class).digest(), spec.inputShape(), manager);
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

    /**
     * One opaque layer, or — for a module that exports {@code features(x)} and {@code classify(h)} — two: the feature
     * extractor (every parameter the head does not use) and the head.
     */
    @Override
    public ModelLayers layers(Block block) {
        return new Resolved((TorchScriptBlock) block);
    }

    /** Which of the two it is, decided when first asked (after the module is loaded and checked, not when the handle is made). */
    private record Resolved(TorchScriptBlock block) implements ModelLayers {
        private ModelLayers layers() {
            return block.head().<ModelLayers>map(head -> new FeaturesAndHead(block, head)).orElseGet(() -> new WholeModule(block));
        }

        @Override
        public int count() {
            return layers().count();
        }

        @Override
        public NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training) {
            return layers().forward(parameterStore, inputs, from, to, training);
        }

        @Override
        public ParameterList parameters(int layer) {
            return layers().parameters(layer);
        }

        @Override
        public boolean opaque() {
            return layers().opaque();
        }
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
                throw new IllegalArgumentException("a TorchScript module without features/classify methods is one opaque layer: layers "
                        + from + ".." + to + " do not exist");
            }
            return block.forward(parameterStore, inputs, training);
        }

        @Override
        public ParameterList parameters(int layer) {
            if (layer != 0) {
                throw new IllegalArgumentException("a TorchScript module without features/classify methods is one opaque layer, 0; there is no layer " + layer);
            }
            return block.getParameters();
        }

        @Override
        public boolean opaque() {
            return true;
        }
    }

    /** Layer 0 is {@code features(x)}, layer 1 {@code classify(h)}; together, the module's forward pass. */
    private record FeaturesAndHead(TorchScriptBlock block, Set<String> head) implements ModelLayers {
        @Override
        public int count() {
            return 2;
        }

        @Override
        public NDList forward(ParameterStore parameterStore, NDList inputs, int from, int to, boolean training) {
            if (from < 0 || to > 2 || from > to) {
                throw new IllegalArgumentException("a TorchScript module with a feature output has layers 0 (features) and 1 (classify): "
                        + from + ".." + to + " do not exist");
            }
            if (from == to) {
                return inputs;
            }
            if (from == 0 && to == 2) {
                return block.forward(parameterStore, inputs, training);
            }
            NDArray x = inputs.singletonOrThrow();
            return new NDList(from == 0 ? block.features(x, training) : block.classify(x, training));
        }

        @Override
        public ParameterList parameters(int layer) {
            if (layer != 0 && layer != 1) {
                throw new IllegalArgumentException("a TorchScript module with a feature output has layers 0 and 1; there is no layer " + layer);
            }
            ParameterList chosen = new ParameterList();
            for (Pair<String, Parameter> p : block.module().getDirectParameters()) {
                if (head.contains(p.getKey()) == (layer == 1)) {
                    chosen.add(p);
                }
            }
            return chosen;
        }
    }
}
