package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * {@code undial}: self-distillation with adjusted logits (Dong, Lin, Belkin, Huerta and Vulić 2025, "UNDIAL:
 * Self-Distillation with Adjusted Logits for Robust Unlearning in Large Language Models", NAACL). At every counted
 * position of a forget record the original model's logits {@code z} have the target's logit lowered by a fixed amount
 * β, and the model is trained towards that distribution:
 * <pre>  q = softmax(z_orig − β · onehot(y)),    L(θ) = mean_f CE(q, softmax(z_θ))  +  λ_r · L(θ; B_r)</pre>
 * (the cross-entropy averaged over a record's counted positions, then over records, {@link CountedPositions#batchMean};
 * the retain term is the task's loss on a retain batch per step, drawn by {@link BatchSampler}, as OpenUnlearning's
 * {@code UNDIAL} trainer adds it through {@code GradDiff}). On a classifier the position is the record and {@code y} its
 * label.
 *
 * <p>Why it exists beside the ascent methods: its target is fixed and bounded. Ascent, NPO and SimNPO push the
 * answer's probability down for as long as they run, and on a small language model that push spreads to the tokens
 * every answer shares (the first bytes after "Answer:", the common words); UNDIAL only moves each position towards
 * what the original already thought likely apart from the answer, by β nats, and stops there. A large β (≥ 30) takes
 * the target's probability to about 0 and leaves the rest of the original's distribution, which on a classifier is
 * DELETE-style distillation onto the other classes.
 *
 * <p>Defaults: β = 30 (the top of the paper's range, 3–30: β = 10 left a digit class at up to 0.33 accuracy over
 * seeds), retain weight 1, 10 epochs at 1e-3, which forget a digit class entirely with at most 1.1 points lost on the
 * others over 15 runs (docs/TESTING.md). On TOFU's 2M-parameter byte-level model it is no better than SimNPO
 * (docs/BENCHMARKS.md, "TOFU forget01", third sweep).
 */
public final class Undial extends MethodBase<Undial.Options> {

    public static final String NAME = "undial";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("how far the target's logit is lowered in the original's distribution, in nats (β)")
                          float boost,
                          @JsonPropertyDescription("weight of the retain loss term (λ_r); 0 = forget term only") float retainWeight,
                          @JsonPropertyDescription("epochs of fine-tuning on the retain set after the forget phase, at the same rate; 0 = none")
                          int repairEpochs,
                          @JsonPropertyDescription(UpdateScale.DESCRIPTION) float updateScale) {
        public Options {
            MethodOptions.require(epochs >= 1, "undial.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "undial.learningRate", learningRate, "> 0");
            MethodOptions.require(boost > 0 && Float.isFinite(boost), "undial.boost", boost, "a positive number");
            MethodOptions.require(retainWeight >= 0, "undial.retainWeight", retainWeight, ">= 0");
            MethodOptions.require(repairEpochs >= 0, "undial.repairEpochs", repairEpochs, ">= 0");
            UpdateScale.require("undial.updateScale", updateScale);
        }
    }

    public Undial() {
        super(NAME, "self-distillation towards the original's outputs with the answer's logit lowered by β (bounded; + retain loss)",
                Guarantee.APPROXIMATE, new Options(10, 1e-3f, 30f, 1f, 0, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            Task task = Tasks.of(data.forget());
            RetainTerm retainTerm = new RetainTerm(retain, task, options.retainWeight(), context, "undial-retain");
            Objective objective = (m, batch) -> {
                NDArray loss = CountedPositions.batchMean(adjustedCrossEntropy(reference, m.forward(batch.inputs(), true), batch,
                        options.boost()), batch);
                return retainTerm.addTo(loss, m, batch);
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), NAME), objective, context);
            Phases.repair(model, data, context, options.learningRate(), options.repairEpochs(), NAME);
        }
        UpdateScale.apply(model, original, options.updateScale());
    }

    /** Per position, {@code CE(softmax(z_ref − β·onehot(y)), softmax(z_θ))}: {@code [b]} for a classifier, {@code [b, T]} for a language model. */
    static NDArray adjustedCrossEntropy(ModelHandle reference, NDList outputs, Batch batch, float boost) {
        NDArray teacher = Distillation.outputs(reference, batch.inputs()).singletonOrThrow();
        int classes = Math.toIntExact(teacher.getShape().get(teacher.getShape().dimension() - 1));
        NDArray target = teacher.sub(Scalars.mul(batch.labels().oneHot(classes), boost)).softmax(-1);
        return target.mul(outputs.singletonOrThrow().logSoftmax(-1)).sum(new int[]{-1}).neg();
    }

    /**
     * The share of the update kept ({@link UpdateScale}): for class forgetting it is set from the data when unset
     * ({@link StrengthCalibration}); on the Location MLP its full update costs the kept classes' unseen records up to 4
     * points at some seeds (docs/BENCHMARKS.md, "Method strength from the data").
     *
     * <p>When no share meets the bounds, β is raised (100, then 1000). β is in nats, so what is enough depends on the
     * scale of the model's logits: where the original's margin for the class exceeds β, the target still ranks the class
     * first on those records and no share of the update can forget them. On the image-segmentation MLP (a data set no
     * default was tuned on) β = 30 left 3–6 % of the forget records and up to 19 % of the class's unseen records
     * recognised at every share, while β = 300 forgot the class at every seed and kept the other classes (docs/BENCHMARKS.md,
     * "Eighth round"). A β far above the margin changes nothing more: the target is then the original's distribution
     * over the other classes, the limit β → ∞.
     */
    @Override
    public java.util.Optional<Strength> strength() {
        return java.util.Optional.of(Strength.updateScale(NAME).retriedWith(NAME + ".boost", List.of("100", "1000")));
    }
}
