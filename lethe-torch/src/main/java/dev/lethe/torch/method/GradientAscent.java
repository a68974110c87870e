package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainLoop;

import java.util.List;
import java.util.Optional;

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
 *
 * <p>A second deviation, for classifiers: each step's gradient is clipped to global norm {@value #CLIP_NORM}
 * ({@link TrainLoop#clipGradientNorm}, as a language model's training recipe clips its own steps). Ascent on a confident
 * model's loss accelerates itself — the gradient of {@code −log p_y} grows as {@code p_y} leaves 1 — so with unbounded
 * steps the forgetting takes off at some learning rate instead of growing with it: on the MLPs of the strength checks the
 * class went from kept to gone with the rest of the model between η = 0.02 and 0.025 (docs/BENCHMARKS.md, issue 16's
 * fourth round). With steps of bounded length the forgetting grows with η, which makes η the method's
 * {@link Strength}: for class forgetting and poisoned records it is set from the data when unset ({@link StrengthCalibration}).
 */
public final class GradientAscent extends MethodBase<GradientAscent.Options> {

    public static final String NAME = "grad-ascent";

    /** The bound on a classifier's ascent step's global gradient norm. */
    static final float CLIP_NORM = 1f;

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
        Phases.trainClipped(model, data.forget(),
                Phases.config(context, options.learningRate(), options.epochs(), "grad-ascent").withOptimizer(OptimizerKind.SGD),
                (m, batch) -> Scalars.minimum(task.perRecordLoss(m, batch, true), options.lossCeiling()).mean().neg(), context, CLIP_NORM);
    }

    /**
     * The learning rate, weakest first. With the steps clipped, on the strength checks' MLPs (class forgetting, shift 0)
     * η = 0.01 leaves the class standing on all three sets, 0.05 forgets it on Location, 0.2 on MNIST.
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(new Strength(NAME + ".learningRate", List.of("0.01", "0.02", "0.05", "0.1", "0.2")));
    }
}
