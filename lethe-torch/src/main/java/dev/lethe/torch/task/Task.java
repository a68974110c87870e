package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;

/**
 * What a model is trained to do, as far as training, unlearning and evidence need to know: the loss of
 * a batch, the loss of each record, and the metrics of a data set. Which task applies follows from a
 * record set's targets ({@link Tasks#of}).
 *
 * <p>Owning the loss here lets everything above it — the training objective, gradient ascent and
 * difference, evaluation, loss-based membership inference — be written once and run on a classifier
 * or a language model alike. A task computes on the model's outputs for {@link Batch#inputs()}; it
 * creates its arrays from the batch's arrays, so nothing outlives the batch's manager.
 */
public interface Task {

    /** Kebab-case id, e.g. {@code classification}, {@code next-token}. */
    String name();

    /** The mean loss of a batch: what training minimises. */
    NDArray loss(NDList outputs, Batch batch);

    /** Each record's loss, shape {@code [b]}: what gradient ascent bounds and loss attacks score. */
    NDArray perRecordLoss(NDList outputs, Batch batch);

    /** The training objective: {@link #loss} of the model's outputs on the batch, with gradients. */
    default Objective objective() {
        return (model, batch) -> loss(model.forward(batch.inputs(), true), batch);
    }

    /** {@link #perRecordLoss} of {@code model}'s outputs on {@code batch} ({@code training} as for the forward pass). */
    default NDArray perRecordLoss(ModelHandle model, Batch batch, boolean training) {
        return perRecordLoss(model.forward(batch.inputs(), training), batch);
    }

    /** A fresh accumulator of this task's metrics for {@code model} over the batches of {@code records}, in order. */
    Tally newTally(ModelHandle model, RecordSet records);

    /** Metrics accumulated batch by batch, in record order. */
    interface Tally {

        /** Adds the model's {@code outputs} on {@code batch}. */
        void add(NDList outputs, Batch batch);

        /** The metrics of everything added. */
        TaskMetrics result();
    }
}
