package dev.lethe.torch.train;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.seed.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which records go into which batch, and in which order, in one epoch: a pure function of the records,
 * the batch size, the run seed and the epoch index, so a run and its continuation draw the same batches.
 * Every order cuts the {@code n} records into {@code ⌈n / batchSize⌉} batches.
 */
@FunctionalInterface
public interface BatchOrder {

    /**
     * The shuffled order {@link TrainLoop} has always used: a uniformly random permutation drawn from
     * {@code Seeds.derive(seed, "shuffle", epoch)}, cut into consecutive batches.
     */
    BatchOrder SHUFFLED = (records, batchSize, seed, epoch) ->
            cut(TrainLoop.permutation(records.size(), Seeds.derive(seed, "shuffle", epoch)), batchSize);

    /** The batches of epoch {@code epoch} (the index of the run's first epoch plus the epoch within it). */
    List<int[]> batches(RecordSet records, int batchSize, long seed, long epoch);

    /**
     * Length buckets for token sequences: records sorted by length plus a random jitter of up to
     * {@code jitterTokens}, cut into batches of neighbours in that order, and the batches shuffled. Records of
     * about the same length share a batch, so little of it is padding, while the jitter and the shuffle
     * keep batches and their order changing from epoch to epoch. Draws from {@code Seeds.derive(seed, "buckets", epoch)}.
     */
    static BatchOrder lengthBuckets(int jitterTokens) {
        if (jitterTokens < 0) {
            throw new IllegalArgumentException("the length jitter must be >= 0 tokens, got " + jitterTokens);
        }
        return (records, batchSize, seed, epoch) -> {
            if (!(records.content() instanceof TokenSequences tokens)) {
                throw new IllegalArgumentException("length buckets need token sequences; " + records.name() + " holds "
                        + records.content().describe() + ": use the shuffled order");
            }
            SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "buckets", epoch));
            int n = records.size();
            double[] keys = new double[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                keys[i] = tokens.length(i) + random.nextDouble() * jitterTokens;
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> keys[i]).thenComparingInt(i -> i));
            List<int[]> batches = cut(Arrays.stream(order).mapToInt(Integer::intValue).toArray(), batchSize);
            for (int i = batches.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int[] t = batches.get(i);
                batches.set(i, batches.get(j));
                batches.set(j, t);
            }
            return batches;
        };
    }

    /** {@code order} cut into consecutive batches of {@code batchSize} (the last one may be smaller). */
    static List<int[]> cut(int[] order, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            batches.add(Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize)));
        }
        return batches;
    }
}
