package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.List;

/**
 * {@code kl}: gradient ascent on the forget set, held in place on the retain set by a KL divergence
 * to the original model's outputs (the "KL minimisation" baseline of Maini et al. 2024, TOFU:
 * "TOFU: A Task of Fictitious Unlearning for LLMs"; also Yao et al. 2023, "Large Language Model
 * Unlearning"). Each step pairs a forget batch {@code B_f} with a retain batch {@code B_r} drawn by
 * {@link BatchSampler} and minimises
 * <pre>  −α · L(θ; B_f) + KL(p_orig(·|x_r) ‖ p_θ(·|x_r)),  x_r ∈ B_r</pre>
 * where {@code L} is the task's loss, {@code p} the model's output distribution and {@code p_orig} a
 * frozen copy of the original, run forward only. On a classifier {@code p} is the class distribution;
 * on a language model it is the next-token distribution at each position, and the KL is averaged over
 * the counted positions of each record and then over records, as the task's loss is
 * ({@link CountedPositions#batchMean}).
 *
 * <p>When to use it: like {@code grad-diff}, but the retain term anchors the whole output distribution
 * to the original's rather than only the targets, which keeps the retained behaviour (confidences
 * included) closer to the original's. Needs the original model in memory twice.
 *
 * <p>Deviation: TOFU weights the two terms equally; here the forget term carries a weight α (default
 * below 1) because with an unbounded ascent term a small model otherwise drifts on the retain classes.
 */
public final class KlRetain extends MethodBase<KlRetain.Options> {

    public static final String NAME = "kl";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("weight of the forget (ascent) term (α); the retain KL term has weight 1") float forgetWeight) {
        public Options {
            MethodOptions.require(epochs >= 1, "kl.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "kl.learningRate", learningRate, "> 0");
            MethodOptions.require(forgetWeight > 0, "kl.forgetWeight", forgetWeight, "> 0");
        }
    }

    public KlRetain() {
        super(NAME, "ascend on the forget set while keeping retain outputs close (KL) to the original's",
                Guarantee.APPROXIMATE, new Options(2, 1e-3f, 0.1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            BatchSampler retainBatches = new BatchSampler(retain, context.original().batchSize(), context.seed("kl-retain"));
            float alpha = options.forgetWeight();
            Task task = Tasks.of(data.forget());
            Objective objective = (m, batch) -> {
                NDArray forgetLoss = task.loss(m.forward(batch.inputs(), true), batch);
                Batch r = retainBatches.batch(batch.step(), batch.manager());
                NDList referenceOutputs = Distillation.outputs(reference, r.inputs());
                NDArray retainKl = Distillation.kl(referenceOutputs, m.forward(r.inputs(), true), r);
                return retainKl.sub(forgetLoss.mul(alpha));
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), "kl"), objective, context);
        }
    }
}
