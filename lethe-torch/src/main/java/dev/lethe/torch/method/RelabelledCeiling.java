package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.Objectives;

/**
 * The objective of fine-tuning on relabelled forget records ({@code random-label}, {@code salun}) with a stopping rule
 * per record: a relabelled record is trained toward its new label only while the model's loss on its <em>true</em> label
 * is below {@code c} nats ({@code p(true) > e^−c}); once the model is confidently wrong about it, it stops pushing, and
 * only the retain records of the mix move the weights. With {@code w_i = 1[ℓ(x_i, y_i) < c]} for a relabelled record
 * (computed without gradient) and {@code w_i = 1} for a retain record, the loss is {@code mean_i w_i · CE(x_i, ỹ_i)}.
 *
 * <p>Why: the ceiling of {@link GradientAscent} for relabelling. Without it the random labels are learnt to the end: the
 * model is taught to map the forgotten records' region onto other classes, and unseen records of those classes near it
 * pay. On the Location MLP (an original that memorised its training set) random-label's 10 epochs cost the other
 * classes' unseen records 9.7–10.2 points; stopping each record at c = 2.5 cost 1.6–2.6, the class gone either way
 * (docs/BENCHMARKS.md, "Method strength from the data").
 */
final class RelabelledCeiling {

    private RelabelledCeiling() {
    }

    /**
     * The objective over {@code mix}, whose first {@code forget.size()} records are {@code forget}'s records in order,
     * relabelled, and the rest retain records.
     */
    static Objective objective(RecordSet forget, float ceiling) {
        int relabelled = forget.size();
        long[] trueLabels = new long[relabelled];
        for (int i = 0; i < relabelled; i++) {
            trueLabels[i] = forget.label(i);
        }
        return (model, batch) -> {
            NDArray logits = model.forward(batch.features(), true);
            NDArray perRecord = Objectives.perRecordCrossEntropy(logits, batch.labels());
            int[] positions = batch.positions();
            float[] isRelabelled = new float[positions.length];
            long[] truth = new long[positions.length];
            for (int k = 0; k < positions.length; k++) {
                if (positions[k] < relabelled) {
                    isRelabelled[k] = 1f;
                    truth[k] = trueLabels[positions[k]];
                }
            }
            NDArray relabelledMask = batch.manager().create(isRelabelled);
            NDArray trueLoss = Objectives.perRecordCrossEntropy(logits.stopGradient(),
                    batch.manager().create(truth).toType(batch.labels().getDataType(), false));
            NDArray pushing = trueLoss.lt(ceiling).toType(DataType.FLOAT32, false);
            // 1 for a retain record, 1[ℓ_true < c] for a relabelled one
            NDArray weights = relabelledMask.mul(pushing).add(relabelledMask.neg().add(1f));
            return perRecord.mul(weights).mean();
        };
    }
}
