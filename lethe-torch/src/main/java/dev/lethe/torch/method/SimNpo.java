package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.List;
import java.util.Optional;

/**
 * {@code simnpo}: Simple Negative Preference Optimization (Fan, Liu, Lin, Jia, Zhang, Mei and Liu 2024,
 * "Simplicity Prevails: Rethinking Negative Preference Optimization for LLM Unlearning"). NPO without
 * the reference model and with a length-normalised likelihood: the reward of a forget record is its
 * mean log-likelihood per counted target, {@code (1/|y|)·log π_θ(y|x) = −ℓ(θ; x, y)}, the task's
 * per-record loss. Each step pairs a forget batch with a retain batch (drawn by {@link BatchSampler})
 * and minimises
 * <pre>  L(θ) = −(2/β) · mean_f log σ(β · (ℓ(θ; x_f, y_f) − δ))  +  λ_r · L(θ; B_r)
 *       =  (2/β) · mean_f softplus(−β · (ℓ_f − δ))             +  λ_r · L(θ; B_r)</pre>
 * — the paper's {@code −(2/β)·log σ(−(β/|y|)·log π_θ(y|x) − γ)} with its margin {@code γ = β·δ}, in the form
 * of OpenUnlearning's {@code SimNPO} trainer (which names the margin {@code delta}). On a classifier
 * {@code ℓ} is the cross-entropy of the label (one counted target).
 *
 * <p>When to use it: like NPO, a bounded ascent whose pressure on a record fades as its loss grows
 * past δ (the gradient weight is {@code 2σ(−β(ℓ − δ))}); without a reference model it costs one model in
 * memory and one forward pass less, and the length normalisation stops long answers from dominating.
 *
 * <p>{@code simnpo.retainLoss=kl} makes the retain term the KL divergence from the frozen original on the retain batch
 * instead of the retain answers' loss ({@link RetainTerm}; OpenUnlearning's {@code retain_loss_type: KL}).
 *
 * <p>Defaults: β = 0.7, δ = 0 and retain weight λ_r = 0.1 are OpenUnlearning's TOFU defaults;
 * the epochs and learning rate are calibrated on the digits MLP.
 */
public final class SimNpo extends MethodBase<SimNpo.Options> {

    public static final String NAME = "simnpo";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("inverse temperature of the preference loss (β)") float beta,
                          @JsonPropertyDescription("loss margin in nats per counted target (δ; the paper's γ/β) past which a record's push fades")
                          float delta,
                          @JsonPropertyDescription("weight of the retain loss term (λ_r); 0 = forget term only") float retainWeight,
                          @JsonPropertyDescription("epochs of fine-tuning on the retain set after the forget phase, at the same rate; 0 = none")
                          int repairEpochs,
                          @JsonPropertyDescription(RetainTerm.LOSS_DESCRIPTION) String retainLoss,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "simnpo.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "simnpo.learningRate", learningRate, "> 0");
            MethodOptions.require(beta > 0 && Float.isFinite(beta), "simnpo.beta", beta, "a positive number");
            MethodOptions.require(delta >= 0 && Float.isFinite(delta), "simnpo.delta", delta, ">= 0");
            MethodOptions.require(retainWeight >= 0, "simnpo.retainWeight", retainWeight, ">= 0");
            MethodOptions.require(repairEpochs >= 0, "simnpo.repairEpochs", repairEpochs, ">= 0");
            RetainTerm.requireLoss("simnpo.retainLoss", retainLoss);
            UpdateScale.require("simnpo.updateScale", updateScale);
        }
    }

    public SimNpo() {
        super(NAME, "simple NPO: reference-free, length-normalised, self-slowing ascent on the forget set (+ retain loss)",
                Guarantee.APPROXIMATE, new Options(15, 1e-3f, 0.7f, 0f, 0.1f, 0, RetainTerm.NLL, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        // SimNPO needs no reference of its own: a frozen original is made only for the KL retain term
        try (ModelHandle reference = RetainTerm.KL.equals(options.retainLoss()) ? Distillation.frozenCopy(original) : null;
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            float beta = options.beta();
            Task task = Tasks.of(data.forget());
            RetainTerm retainTerm = new RetainTerm(retain, task, options.retainWeight(), context, "simnpo-retain", options.retainLoss(),
                    reference);
            Objective objective = (m, batch) -> {
                NDArray recordLoss = task.perRecordLoss(m, batch, true);
                NDArray loss = Scalars.mul(Distillation.softplus(Scalars.mul(recordLoss.sub(options.delta()), -beta)).mean(), 2f / beta);
                return retainTerm.addTo(loss, m, batch);
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), "simnpo"), objective,
                    context);
            Phases.repair(model, data, context, options.learningRate(), options.repairEpochs(), NAME);
        }
        UpdateScale.apply(model, original, options.updateScale());
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}). On the Location MLP SimNPO's full update costs the kept classes' unseen records 3–4
     * points; 0.4–0.7 of it forgets the class and costs 0.6–2.2.
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(Strength.updateScale(NAME));
    }
}
