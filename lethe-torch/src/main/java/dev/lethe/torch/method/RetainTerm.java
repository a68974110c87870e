package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

/**
 * The retain term several forget-set methods add to their objective, {@code λ_r · L(θ; B_r)}: the task's loss on a retain
 * batch drawn for each step by {@link BatchSampler} (a pure function of the step), weighted by {@code λ_r}. With
 * {@code λ_r = 0} it adds nothing and draws nothing (NPO without "+RT", SimNPO's forget term alone). Given a frozen
 * reference (the original), the term is instead {@code λ_r · KL(p_orig ‖ p_θ)} on the retain batch (OpenUnlearning's
 * {@code retain_loss_type: KL}): it keeps the original's whole distribution on the retain text, not only the gold
 * tokens, which is what the truth ratios and greedy answers on retained questions read.
 */
final class RetainTerm {

    /** The retain loss as the task's loss on the retain batch (the default of every method but whp). */
    static final String NLL = "nll";
    /** The retain loss as the KL divergence from the frozen original on the retain batch. */
    static final String KL = "kl";
    /** What a {@code retainLoss} option describes itself as. */
    static final String LOSS_DESCRIPTION = "the retain term: nll (the retain answers' loss) or kl (KL from the original on the retain text)";

    /** Refuses a {@code retainLoss} option that is neither {@value #NLL} nor {@value #KL}. */
    static void requireLoss(String option, String value) {
        MethodOptions.require(NLL.equals(value) || KL.equals(value), option, value, NLL + " or " + KL);
    }

    private final BatchSampler batches;
    private final Task task;
    private final float weight;
    private final ModelHandle reference;

    /** The term over {@code retain} with weight {@code weight}, drawing its batches from {@code context}'s seed for {@code purpose}. */
    RetainTerm(TensorData retain, Task task, float weight, UnlearningContext context, String purpose) {
        this(retain, task, weight, context, purpose, null);
    }

    /**
     * As above, with the loss a method's {@code retainLoss} option chose: {@value #NLL}, the task's loss, or {@value #KL},
     * the KL divergence from {@code frozenOriginal} (which must then not be null).
     */
    RetainTerm(TensorData retain, Task task, float weight, UnlearningContext context, String purpose, String loss,
               ModelHandle frozenOriginal) {
        this(retain, task, weight, context, purpose, KL.equals(loss) ? frozenOriginal : null);
    }

    private RetainTerm(TensorData retain, Task task, float weight, UnlearningContext context, String purpose, ModelHandle reference) {
        this.batches = weight > 0 ? new BatchSampler(retain, context.original().batchSize(), context.seed(purpose)) : null;
        this.task = task;
        this.weight = weight;
        this.reference = reference;
    }

    /** {@code loss + λ_r · L(θ; B_r)}, with the retain batch of {@code forgetBatch}'s step, in its manager. */
    NDArray addTo(NDArray loss, ModelHandle model, Batch forgetBatch) {
        if (batches == null) {
            return loss;
        }
        Batch r = batches.batch(forgetBatch.step(), forgetBatch.manager());
        NDList outputs = model.forward(r.inputs(), true);
        NDArray term = reference == null ? task.loss(outputs, r) : Distillation.kl(Distillation.outputs(reference, r.inputs()), outputs, r);
        return loss.add(Scalars.mul(term, weight));
    }
}
