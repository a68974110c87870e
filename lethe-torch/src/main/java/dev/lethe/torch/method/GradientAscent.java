package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;

/**
 * {@code grad-ascent}: maximise the loss on the forget set (Thudi et al. 2022, "Unrolling SGD";
 * "NegGrad" in Kurmanji et al. 2023): {@code θ ← θ + η ∇θ L(θ; D_f)}, i.e. minimise {@code −L} with
 * plain SGD over the forget set for a few epochs. Fast and blunt: without a retain term it also
 * degrades what should stay, so the step size and epochs are kept small.
 */
public final class GradientAscent implements UnlearningMethod<GradientAscent.Options> {

    public static final String NAME = "grad-ascent";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("SGD learning rate (η)") float learningRate) {
        public Options {
            MethodOptions.require(epochs >= 1, "grad-ascent.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "grad-ascent.learningRate", learningRate, "> 0");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "gradient ascent on the forget set's loss";
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.APPROXIMATE;
    }

    @Override
    public Options defaults() {
        return new Options(2, 0.01f);
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        ModelHandle model = original.copy();
        Phases.train(model, data.forget(),
                Phases.config(context, options.learningRate(), options.epochs(), "grad-ascent").withOptimizer(OptimizerKind.SGD),
                Objectives.negate(Objectives.crossEntropy()), context);
        return model;
    }
}
