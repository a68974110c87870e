package dev.lethe.torch.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.metrics.ConfusionMatrix;
import dev.lethe.torch.eval.Evaluation;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Batch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A classifier: one input, logits {@code [b, classes]} out, int64 labels {@code [b]} as targets. The
 * loss is softmax cross-entropy; the metrics are accuracy and mean loss (and the confusion matrix,
 * through {@link Tally#evaluation()}).
 *
 * <p>The operations and their order are exactly those Lethe has always used (DJL's softmax
 * cross-entropy for the batch loss, a picked log-softmax for each record), because trained weights,
 * and so checkpoint digests, depend on them bit for bit.
 */
public final class ClassificationTask implements Task {

    public static final String NAME = "classification";

    /** The one instance: the task holds no state. */
    public static final ClassificationTask INSTANCE = new ClassificationTask();

    private static final Loss CROSS_ENTROPY = Loss.softmaxCrossEntropyLoss();

    private ClassificationTask() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(NDList outputs, Batch batch) {
        return crossEntropy(outputs.singletonOrThrow(), batch.labels());
    }

    @Override
    public NDArray perRecordLoss(NDList outputs, Batch batch) {
        return perRecordCrossEntropy(outputs.singletonOrThrow(), batch.labels());
    }

    /** Mean softmax cross-entropy of {@code logits} against int64 {@code labels}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return CROSS_ENTROPY.evaluate(new NDList(labels), new NDList(logits));
    }

    /** Per-record negative log-likelihood of the true labels, {@code [b]} (the unreduced cross-entropy). */
    public static NDArray perRecordCrossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).get(new NDIndex().addAllDim(1).addPickDim(labels)).neg().reshape(-1);
    }

    @Override
    public Tally newTally(ModelHandle model, RecordSet records) {
        return new Tally(model.spec().numClasses(), records);
    }

    /** Mean loss and the confusion matrix over a data set's batches. */
    public static final class Tally implements Task.Tally {

        private final RecordSet records;
        private final int[] labels;
        private final ConfusionMatrix confusion;
        private double lossSum;
        private long count;

        Tally(int numClasses, RecordSet records) {
            this.records = records;
            this.labels = records.labels();
            this.confusion = new ConfusionMatrix(numClasses);
        }

        @Override
        public void add(NDList outputs, Batch batch) {
            NDArray logits = outputs.singletonOrThrow();
            int b = batch.positions().length;
            lossSum += crossEntropy(logits, batch.labels()).getFloat() * b;
            long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                confusion.add(labels[batch.positions()[i]], (int) predicted[i]);
            }
            count += b;
        }

        /** Accuracy, mean loss, confusion matrix and class names. */
        public Evaluation evaluation() {
            return new Evaluation(records.name(), count, count == 0 ? Double.NaN : lossSum / count, confusion, records.classNames());
        }

        @Override
        public TaskMetrics result() {
            Evaluation e = evaluation();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("accuracy", e.accuracy());
            values.put("loss", e.meanLoss());
            return new TaskMetrics(NAME, records.name(), count, values);
        }
    }
}
