package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.List;

/**
 * {@code grad-diff}: gradient ascent on the forget set together with descent on the retain set
 * (Liu et al. 2022, "Continual Learning and Private Unlearning"; "GradDiff" in Maini et al. 2024,
 * TOFU): minimise {@code −α·L(θ; B_f) + (1−α)·L(θ; B_r)} where each step pairs a forget batch
 * {@code B_f} with a retain batch {@code B_r} drawn by {@link BatchSampler}.
 *
 * <p>As in {@link GradientAscent}, each forget record's loss is clipped at {@code lossCeiling} nats so
 * the unbounded ascent term cannot swamp the retain term once the record is confidently forgotten.
 */
public final class GradientDifference extends MethodBase<GradientDifference.Options> {

    public static final String NAME = "grad-diff";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("weight of the forget term (α); the retain term gets 1 − α") float forgetWeight,
                          @JsonPropertyDescription("per-record forget loss above which a record stops pushing, in nats (c)") float lossCeiling,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "grad-diff.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "grad-diff.learningRate", learningRate, "> 0");
            MethodOptions.require(forgetWeight > 0 && forgetWeight < 1, "grad-diff.forgetWeight", forgetWeight, "in (0, 1)");
            MethodOptions.require(lossCeiling > 0, "grad-diff.lossCeiling", lossCeiling, "> 0");
            UpdateScale.require("grad-diff.updateScale", updateScale);
        }
    }

    public GradientDifference() {
        super(NAME, "ascend on the forget set while descending on the retain set",
                Guarantee.APPROXIMATE, new Options(10, 1e-3f, 0.2f, 2.5f, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (TensorData retain = TensorData.of(data.retain(), model.manager())) {
            BatchSampler retainBatches = new BatchSampler(retain, context.original().batchSize(), context.seed("grad-diff-retain"));
            float alpha = options.forgetWeight();
            Task task = Tasks.of(data.forget());
            Objective objective = (m, batch) -> {
                NDArray forgetLoss = Scalars.minimum(task.perRecordLoss(m, batch, true), options.lossCeiling()).mean();
                Batch r = retainBatches.batch(batch.step(), batch.manager());
                NDArray retainLoss = task.loss(m.forward(r.inputs(), true), r);
                return Scalars.mul(retainLoss, 1 - alpha).sub(Scalars.mul(forgetLoss, alpha));
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), "grad-diff"), objective, context);
        }
        UpdateScale.apply(model, original, options.updateScale());
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}); on the Location MLP its full update costs the kept classes' unseen records up to 4
     * points at some seeds (docs/BENCHMARKS.md, "Method strength from the data").
     */
    @Override
    public java.util.Optional<Strength> strength() {
        return java.util.Optional.of(Strength.updateScale(NAME));
    }
}
