package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;

/**
 * {@code npo}: Negative Preference Optimization (Zhang, Lin, Bai and Mei 2024, "Negative Preference
 * Optimization: From Catastrophic Collapse to Effective Unlearning"). Treats the forget examples as
 * dispreferred answers in DPO with no preferred one:
 * <pre>  L_NPO(θ) = (2/β) · E_{(x,y)∈D_f} [ log(1 + (π_θ(y|x) / π_ref(y|x))^β) ]
 *            = (2/β) · E_f [ softplus(β · (log π_θ(y|x) − log π_ref(y|x))) ]</pre>
 * with {@code π} the softmax probability of the true label and {@code π_ref} a frozen copy of the
 * original. Optionally {@code + λ_r · CE(θ; B_r)} on a retain batch per step ("NPO+RT").
 *
 * <p>When to use it: instead of gradient ascent when a long or aggressive run must not collapse. The
 * NPO gradient is the ascent gradient weighted by {@code 2π_θ^β/(π_θ^β + π_ref^β)}, which goes to zero
 * as an example is forgotten, so the loss is bounded below and the divergence of ascent is avoided;
 * as β → 0 it becomes gradient ascent.
 *
 * <p>Deviation: none in the loss; the paper's experiments use LLM sequence likelihoods, here {@code y}
 * is a class label.
 */
public final class Npo extends MethodBase<Npo.Options> {

    public static final String NAME = "npo";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("inverse temperature of the preference loss (β); β → 0 is gradient ascent") float beta,
                          @JsonPropertyDescription("weight of the retain cross-entropy term (NPO+RT); 0 = plain NPO") float retainWeight) {
        public Options {
            MethodOptions.require(epochs >= 1, "npo.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "npo.learningRate", learningRate, "> 0");
            MethodOptions.require(beta > 0, "npo.beta", beta, "> 0");
            MethodOptions.require(retainWeight >= 0, "npo.retainWeight", retainWeight, ">= 0");
        }
    }

    public Npo() {
        super(NAME, "negative preference optimization: bounded, self-slowing ascent on the forget set (+ retain CE)",
                Guarantee.APPROXIMATE, new Options(15, 1e-3f, 0.1f, 2f), Options.class);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            BatchSampler retainBatches = options.retainWeight() > 0
                    ? new BatchSampler(retain, context.original().batchSize(), context.seed("npo-retain")) : null;
            float beta = options.beta();
            Objective objective = (m, batch) -> {
                NDArray logPi = Distillation.logLikelihood(m.forward(batch.features(), true), batch.labels());
                NDArray logRef = Distillation.logLikelihood(Distillation.logits(reference, batch.features()), batch.labels());
                NDArray loss = Distillation.softplus(logPi.sub(logRef).mul(beta)).mean().mul(2f / beta);
                if (retainBatches != null) {
                    Batch r = retainBatches.batch(batch.step(), batch.manager());
                    loss = loss.add(Objectives.crossEntropy(m.forward(r.features(), true), r.labels()).mul(options.retainWeight()));
                }
                return loss;
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), "npo"), objective, context);
        }
    }
}
