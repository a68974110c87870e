package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ParameterValues;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.train.Objectives;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code layer-reset}: re-initialise the first or the last {@code k} trainable layers, then fine-tune the
 * whole model on the retain set. With {@code from=last} it is the "exact unlearning of the last k
 * layers" (EU-k) baseline of Goel et al. 2022, "Towards Adversarial Evaluation of Inexact Machine
 * Unlearning" (re-initialise the last k layers and train them on the retain set), except that every
 * layer is trained (see below).
 *
 * <p>When to use it: class or large-subset forgetting when the forget set's information is thought to
 * sit mostly in the classifier head ({@code from=last}); resetting the first layers instead keeps the
 * task-specific top and re-learns the input features. Weak for individual records: the layers that
 * are kept still carry what they learnt from the forget set, so the guarantee is only approximate.
 *
 * <p>Update rule. Trainable layers are the model's layers that have parameters (its family's
 * {@link dev.lethe.torch.model.ModelLayers}: the Linear and Conv layers of {@code logreg}, {@code mlp}
 * and {@code cnn}), counted from the input ({@code from=first}) or from the output ({@code from=last}).
 * For each chosen layer {@code l}: {@code W_l ~ Xavier} (the same initialiser as a fresh model, drawn
 * with the torch generator seeded by {@code Seeds.derive(seed("layer-reset-init"), "layer", l)}),
 * {@code b_l ← 0}; then {@code epochs} epochs of the original optimizer on {@code D_r} with
 * {@code learningRate}, every layer trainable.
 *
 * <p>Deviation: EU-k freezes the layers it keeps (so that, when those layers never saw the forget
 * set, the result is exact); here every layer is fine-tuned, which recovers the retain accuracy in a
 * few epochs, and the guarantee stays approximate. {@code from=first} is not in the paper. Activation, pooling
 * and flatten blocks have no parameters and do not count as layers. Defaults (the last layer, 3
 * epochs, η = 0.01 with the original Adam) are calibrated on digits (MLP, forgetting class 3: 0.00 on
 * class 3, 0.971–0.977 on the others, from 0.986).
 */
public final class LayerReset extends MethodBase<LayerReset.Options> {

    public static final String NAME = "layer-reset";

    public record Options(@JsonPropertyDescription("number of trainable (Linear/Conv) layers to re-initialise (k)") int layers,
                          @JsonPropertyDescription("which end the k layers are counted from: first (input side) or last (output side)") String from,
                          @JsonPropertyDescription("fine-tuning epochs on the retain set after the reset") int epochs,
                          @JsonPropertyDescription("fine-tuning learning rate (η)") float learningRate) {
        public Options {
            MethodOptions.require(layers >= 1, "layer-reset.layers", layers, ">= 1");
            MethodOptions.require("first".equals(from) || "last".equals(from), "layer-reset.from", from, "first or last");
            MethodOptions.require(epochs >= 1, "layer-reset.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "layer-reset.learningRate", learningRate, "> 0");
        }
    }

    public LayerReset() {
        super(NAME, "re-initialise the first or last k layers, then fine-tune on the retain set",
                Guarantee.APPROXIMATE, new Options(1, "last", 3, 0.01f), Options.class);
    }

    @Override
    public java.util.Optional<String> whyNotOnOpaqueModules() {
        return java.util.Optional.of("it re-initialises the model's first or last k layers");
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        List<ParameterList> layers = trainableLayers(original);
        if (options.layers() > layers.size()) {
            throw new IllegalArgumentException("layer-reset.layers is " + options.layers() + " but model " + original.spec().name()
                    + " has only " + layers.size() + " trainable layers");
        }
        reset(model, options.layers(), "first".equals(options.from()), context.seed("layer-reset-init"));
        Phases.train(model, data.retain(), Phases.config(context, options.learningRate(), options.epochs(), NAME),
                Objectives.crossEntropy(), context);
    }

    /** The parameters of each of the model's layers that has any, input side first. */
    static List<ParameterList> trainableLayers(ModelHandle model) {
        List<ParameterList> layers = new ArrayList<>();
        for (int layer = 0; layer < model.layerCount(); layer++) {
            ParameterList parameters = model.layerParameters(layer);
            if (!parameters.isEmpty()) {
                layers.add(parameters);
            }
        }
        return layers;
    }

    /**
     * Re-initialises {@code k} trainable layers of {@code model} in place (weights Xavier, biases 0);
     * layer {@code l} (its position from the input) draws from {@code Seeds.derive(seed, "layer", l)}.
     */
    static void reset(ModelHandle model, int k, boolean fromFirst, long seed) {
        List<ParameterList> layers = trainableLayers(model);
        XavierInitializer xavier = new XavierInitializer();
        for (int j = 0; j < k; j++) {
            int l = fromFirst ? j : layers.size() - 1 - j;
            for (Pair<String, Parameter> p : layers.get(l)) {
                NDArray w = p.getValue().getArray();
                if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                    try (NDManager scratch = model.manager().newSubManager()) {
                        // the torch generator is global: seed it right before the draw (docs/ARCHITECTURE.md#djl-and-pytorch)
                        TorchRuntime.engine().setRandomSeed((int) (Seeds.derive(seed, "layer", l) & 0x7fffffff));
                        NDArray fresh = xavier.initialize(scratch, w.getShape(), w.getDataType());
                        ParameterValues.assign(w, fresh);
                    }
                } else {
                    w.subi(w);
                }
            }
        }
    }
}
