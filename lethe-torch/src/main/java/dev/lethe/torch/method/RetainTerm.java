package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

/**
 * The retain term several forget-set methods add to their objective, {@code λ_r · L(θ; B_r)}: the task's loss on a retain
 * batch drawn for each step by {@link BatchSampler} (a pure function of the step), weighted by {@code λ_r}. With
 * {@code λ_r = 0} it adds nothing and draws nothing (NPO without "+RT", SimNPO's forget term alone).
 */
final class RetainTerm {

    private final BatchSampler batches;
    private final Task task;
    private final float weight;

    /** The term over {@code retain} with weight {@code weight}, drawing its batches from {@code context}'s seed for {@code purpose}. */
    RetainTerm(TensorData retain, Task task, float weight, UnlearningContext context, String purpose) {
        this.batches = weight > 0 ? new BatchSampler(retain, context.original().batchSize(), context.seed(purpose)) : null;
        this.task = task;
        this.weight = weight;
    }

    /** {@code loss + λ_r · L(θ; B_r)}, with the retain batch of {@code forgetBatch}'s step, in its manager. */
    NDArray addTo(NDArray loss, ModelHandle model, Batch forgetBatch) {
        if (batches == null) {
            return loss;
        }
        Batch r = batches.batch(forgetBatch.step(), forgetBatch.manager());
        return loss.add(task.loss(model.forward(r.inputs(), true), r).mul(weight));
    }
}
