package dev.lethe.core.sisa;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which shards a set of forgotten records dirties, and from which slice each must retrain: shard s
 * retrains from the smallest slice that held a forgotten record, starting from the checkpoint of the
 * slice before (or from scratch for slice 0). Other shards and earlier slices are untouched.
 * Requests that arrive together form one plan, so each affected shard retrains once.
 *
 * @param fromSlice shard → first slice to retrain, for affected shards only, in shard order
 */
public record RetrainPlan(Map<Integer, Integer> fromSlice) {

    public RetrainPlan {
        fromSlice = Collections.unmodifiableMap(new TreeMap<>(fromSlice));
    }

    /** The plan for forgetting the records at {@code forgotten} positions of {@code lineage}. */
    public static RetrainPlan of(Lineage lineage, Collection<Integer> forgotten) {
        Map<Integer, Integer> from = new TreeMap<>();
        for (int position : forgotten) {
            Placement p = lineage.placement(position);
            from.merge(p.shard(), p.slice(), Math::min);
        }
        return new RetrainPlan(from);
    }

    public boolean isEmpty() {
        return fromSlice.isEmpty();
    }

    /**
     * The cost model of SISA retraining, in record-epochs: for each affected shard, the sum over the
     * retrained slices k of the number of records slice k trains on (cumulative data), times the
     * epochs per slice. Full retraining of the ensemble is the same sum over every shard from slice 0.
     */
    public static long cost(Lineage lineage, Map<Integer, Integer> fromSlice, int epochsPerSlice) {
        long total = 0;
        int slices = lineage.plan().slices();
        for (Map.Entry<Integer, Integer> e : fromSlice.entrySet()) {
            for (int k = e.getValue(); k < slices; k++) {
                total += (long) lineage.trainingPositions(e.getKey(), k).length * epochsPerSlice;
            }
        }
        return total;
    }
}
