package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded samples of a record set, for the methods that work on part of one (a retain sample to mix
 * in, a sample to estimate importances on) and for the harness that splits a test set. Every kind takes the first
 * records of the same seeded permutation, so a seed picks the same records whichever order is asked for.
 */
public final class RecordSamples {

    private RecordSamples() {
    }

    /** {@code count} records of {@code set}, chosen by a seeded shuffle, in the set's own order. */
    static RecordSet inOrder(RecordSet set, int count, long seed) {
        return set.select(set.name() + "/sample", Arrays.stream(firstOfPermutation(set.size(), count, seed)).sorted().toArray());
    }

    /**
     * {@code set} in two seeded halves, each in the set's own order: {@code [0]} the first {@code size / 2} records of
     * the seeded permutation, named {@code <set>/<firstName>}, and {@code [1]} the rest, named {@code <set>/<restName>}.
     */
    public static RecordSet[] halves(RecordSet set, long seed, String firstName, String restName) {
        int[] first = Arrays.stream(firstOfPermutation(set.size(), set.size() / 2, seed)).sorted().toArray();
        boolean[] inFirst = new boolean[set.size()];
        for (int i : first) {
            inFirst[i] = true;
        }
        return new RecordSet[]{set.select(set.name() + "/" + firstName, first), set.filter(set.name() + "/" + restName, i -> !inFirst[i])};
    }

    /**
     * {@code size} records of {@code set} (all when {@code size} is 0 or not smaller) in a seeded random
     * order: batches over them mix the set, as a shuffled data loader does.
     */
    static RecordSet shuffled(RecordSet set, int size, long seed) {
        int count = size == 0 ? set.size() : Math.min(size, set.size());
        return set.select(set.name() + "/shuffled", firstOfPermutation(set.size(), count, seed));
    }

    private static int[] firstOfPermutation(int n, int count, long seed) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order.subList(0, count).stream().mapToInt(Integer::intValue).toArray();
    }
}
