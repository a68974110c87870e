package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.OptimizerKind;

import java.util.List;

/**
 * {@code grad-ascent}: maximise the loss on the forget set (Thudi et al. 2022, "Unrolling SGD";
 * "NegGrad" in Kurmanji et al. 2023): {@code θ ← θ + η ∇θ L(θ; D_f)}, i.e. minimise {@code −L} with
 * plain SGD over the forget set for a few epochs. Fast and blunt: without a retain term it also
 * degrades what should stay.
 *
 * <p>Deviation from the plain rule, because the ascent is unbounded (the loss of a record can grow
 * without limit and drag every weight with it): each record's loss is clipped at
 * {@code lossCeiling} nats, {@code L = mean_i min(ℓ_i, c)}, so a record stops pushing once the model
 * is confidently wrong about it. The papers bound the ascent by early stopping; the ceiling does the
 * same per record and keeps the run deterministic.
 */
public final class GradientAscent extends MethodBase<GradientAscent.Options> {

    public static final String NAME = "grad-ascent";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("SGD learning rate (η)") float learningRate,
                          @JsonPropertyDescription("per-record loss above which a record stops pushing, in nats (c)") float lossCeiling) {
        public Options {
            MethodOptions.require(epochs >= 1, "grad-ascent.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "grad-ascent.learningRate", learningRate, "> 0");
            MethodOptions.require(lossCeiling > 0, "grad-ascent.lossCeiling", lossCeiling, "> 0");
        }
    }

    public GradientAscent() {
        super(NAME, "gradient ascent on the forget set's loss",
                Guarantee.APPROXIMATE, new Options(5, 0.02f, 5f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        Task task = Tasks.of(data.forget());
        Phases.train(model, data.forget(),
                Phases.config(context, options.learningRate(), options.epochs(), "grad-ascent").withOptimizer(OptimizerKind.SGD),
                (m, batch) -> task.perRecordLoss(m, batch, true).minimum(options.lossCeiling()).mean().neg(), context);
    }
}
