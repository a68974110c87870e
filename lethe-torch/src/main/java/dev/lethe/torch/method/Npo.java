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
 * {@code npo}: Negative Preference Optimization (Zhang, Lin, Bai and Mei 2024, "Negative Preference
 * Optimization: From Catastrophic Collapse to Effective Unlearning"). Treats the forget examples as
 * dispreferred answers in DPO with no preferred one:
 * <pre>  L_NPO(θ) = (2/β) · E_{(x,y)∈D_f} [ log(1 + (π_θ(y|x) / π_ref(y|x))^β) ]
 *            = (2/β) · E_f [ softplus(β · (log π_θ(y|x) − log π_ref(y|x))) ]</pre>
 * with {@code π_ref} a frozen copy of the original. {@code log π(y|x)} is the log-likelihood of the
 * record's counted targets ({@link CountedPositions#logLikelihood}): the log-probability of the true
 * label for a classifier, and for a language model the <em>sum</em> of the answer's token
 * log-probabilities — the sequence likelihood of the paper and of OpenUnlearning's {@code NPO}
 * ({@code compute_batch_nll}), not the per-token mean the task's loss uses. Optionally
 * {@code + λ_r · L(θ; B_r)} with the task's loss on a retain batch per step ("NPO+RT"; OpenUnlearning's
 * {@code α·retain NLL}).
 *
 * <p>When to use it: instead of gradient ascent when a long or aggressive run must not collapse. The
 * NPO gradient is the ascent gradient weighted by {@code 2π_θ^β/(π_θ^β + π_ref^β)}, which goes to zero
 * as an example is forgotten, so the loss is bounded below and the divergence of ascent is avoided;
 * as β → 0 it becomes gradient ascent.
 *
 * <p>{@code npo.retainLoss=kl} makes the retain term the KL divergence from the original (the same frozen copy as the
 * reference) on the retain batch instead of the retain answers' loss ({@link RetainTerm}; OpenUnlearning's
 * {@code retain_loss_type: KL}).
 *
 * <p>Deviation: none in the loss. The defaults (β = 0.1 as in the paper and OpenUnlearning, retain
 * weight 2) are calibrated on the digits MLP; on a language model OpenUnlearning uses retain weight 1.
 */
public final class Npo extends MethodBase<Npo.Options> {

    public static final String NAME = "npo";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("inverse temperature of the preference loss (β); β → 0 is gradient ascent") float beta,
                          @JsonPropertyDescription("weight of the retain loss term (NPO+RT); 0 = plain NPO") float retainWeight,
                          @JsonPropertyDescription(RetainTerm.LOSS_DESCRIPTION) String retainLoss,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "npo.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "npo.learningRate", learningRate, "> 0");
            MethodOptions.require(beta > 0, "npo.beta", beta, "> 0");
            MethodOptions.require(retainWeight >= 0, "npo.retainWeight", retainWeight, ">= 0");
            RetainTerm.requireLoss("npo.retainLoss", retainLoss);
            UpdateScale.require("npo.updateScale", updateScale);
        }
    }

    public Npo() {
        super(NAME, "negative preference optimization: bounded, self-slowing ascent on the forget set (+ retain loss)",
                Guarantee.APPROXIMATE, new Options(15, 1e-3f, 0.1f, 2f, RetainTerm.NLL, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            float beta = options.beta();
            Task task = Tasks.of(data.forget());
            // NPO's reference is the frozen original already: the KL retain term reads the same copy
            RetainTerm retainTerm = new RetainTerm(retain, task, options.retainWeight(), context, "npo-retain", options.retainLoss(),
                    reference);
            Objective objective = (m, batch) -> {
                NDArray logPi = CountedPositions.logLikelihood(task, m.forward(batch.inputs(), true), batch);
                NDArray logRef = CountedPositions.logLikelihood(task, Distillation.outputs(reference, batch.inputs()), batch);
                NDArray loss = Scalars.mul(Distillation.softplus(Scalars.mul(logPi.sub(logRef), beta)).mean(), 2f / beta);
                return retainTerm.addTo(loss, m, batch);
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), "npo"), objective, context);
        }
        UpdateScale.apply(model, original, options.updateScale());
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}). On the Location MLP NPO's full update forgets the class and costs the kept classes'
     * unseen records 6–10 points; 0.3 of it forgets the class too and costs 1–2.
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(Strength.updateScale(NAME));
    }
}
