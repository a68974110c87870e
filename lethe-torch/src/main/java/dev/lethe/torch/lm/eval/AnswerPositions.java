package dev.lethe.torch.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Teacher-forced values at the answer positions of encoded question–answer pairs: each answer token's
 * negative log-likelihood, the argmax, and the mean μ_t = Σ_v p_v log p_v and variance
 * σ²_t = Σ_v p_v (log p_v)² − μ_t² of log p under the model's own next-token distribution (what min-k%++,
 * Zhang et al. 2024, standardises each token's log-probability with).
 *
 * <p>The pairs go through the same {@link TensorData} batches as training (right-padded, the loss mask
 * starting at the answer), and the NLLs are the same {@code logSoftmax}/{@code gather} the next-token
 * task takes its loss from, so an answer's mean NLL is that record's task loss. Pairs are batched in
 * order of length (less padding), and each batch is read back from the device once.
 */
final class AnswerPositions {

    /** The values at one pair's answer positions, in order, the end-of-answer token included. */
    record Values(double[] nlls, int[] argmax, double[] expectedLogProbs, double[] logProbVariances) {

        double meanNll() {
            double sum = 0;
            for (double v : nlls) {
                sum += v;
            }
            return sum / nlls.length;
        }
    }

    private AnswerPositions() {
    }

    /**
     * The values of every pair in {@code encoded}, in order; {@code withMoments} false skips μ and σ²
     * (their arrays are then empty), which is all the truth ratio's alternative answers need.
     */
    static List<Values> measure(ScoredLanguageModel model, int vocabularySize, List<QaFormat.Encoded> encoded, int batchSize,
                                boolean withMoments) {
        int n = encoded.size();
        if (n == 0) {
            return List.of();
        }
        String[] ids = IntStream.range(0, n).mapToObj(i -> "pair" + i).toArray(String[]::new);
        RecordSet records = QaRecords.of("answers", ids, null, vocabularySize, encoded);
        TokenSequences tokens = (TokenSequences) records.content();
        int[] byLength = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(tokens::length))
                .mapToInt(Integer::intValue).toArray();
        List<Values> values = new ArrayList<>(java.util.Collections.nCopies(n, (Values) null));
        try (TensorData data = TensorData.of(records, model.manager())) {
            for (int from = 0; from < n; from += batchSize) {
                int[] positions = java.util.Arrays.copyOfRange(byLength, from, Math.min(n, from + batchSize));
                try (NDScope scope = new NDScope(); NDManager scratch = data.manager().newSubManager()) {
                    Batch batch = data.batch(positions, 0, 0, scratch);
                    int width = (int) batch.mask().getShape().get(1);
                    float[] planes = planes(model, batch, withMoments);
                    int planeSize = positions.length * width;
                    for (int k = 0; k < positions.length; k++) {
                        QaFormat.Encoded pair = encoded.get(positions[k]);
                        values.set(positions[k], slice(planes, planeSize, k * width, pair, withMoments));
                    }
                }
            }
        }
        return values;
    }

    /** NLL, argmax (as float: exact below 2^24 ids) and, if asked, μ and σ², stacked as {@code [planes, b, T]} and read back once. */
    private static float[] planes(ScoredLanguageModel model, Batch batch, boolean withMoments) {
        NDArray logProbabilities = model.logProbabilities(batch.inputs());
        NDArray targets = batch.targets().singletonOrThrow();
        NDArray nll = logProbabilities.gather(targets.expandDims(2), 2).squeeze(2).neg();
        NDArray argmax = logProbabilities.argMax(2).toType(DataType.FLOAT32, false);
        NDList planes = new NDList(nll, argmax);
        if (withMoments) {
            NDArray probabilities = logProbabilities.exp();
            NDArray mean = probabilities.mul(logProbabilities).sum(new int[]{2});
            NDArray secondMoment = probabilities.mul(logProbabilities.square()).sum(new int[]{2});
            planes.add(mean);
            planes.add(secondMoment.sub(mean.square()));
        }
        return NDArrays.stack(planes).toFloatArray();
    }

    /** One pair's answer positions out of the planes: the targets at positions answerStart − 1 … length − 2 are its answer tokens. */
    private static Values slice(float[] planes, int planeSize, int rowStart, QaFormat.Encoded pair, boolean withMoments) {
        int first = rowStart + pair.answerStart() - 1;
        int count = pair.tokens().length - pair.answerStart();
        double[] nlls = new double[count];
        int[] argmax = new int[count];
        double[] mean = new double[withMoments ? count : 0];
        double[] variance = new double[withMoments ? count : 0];
        for (int j = 0; j < count; j++) {
            nlls[j] = planes[first + j];
            argmax[j] = (int) planes[planeSize + first + j];
            if (withMoments) {
                mean[j] = planes[2 * planeSize + first + j];
                variance[j] = planes[3 * planeSize + first + j];
            }
        }
        return new Values(nlls, argmax, mean, variance);
    }
}
