package dev.lethe.core.sisa;

import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where every training record went: record → (shard, slice), aligned with the positions of the
 * training {@link dev.lethe.core.data.RecordSet}. It answers which records a checkpoint was trained
 * on, which is what makes checkpoints content-addressed and forgetting exact.
 */
public final class Lineage {

    private final ShardPlan plan;
    private final List<String> ids;
    private final int[] shard;
    private final int[] slice;
    private final Map<String, Integer> positionById;

    public Lineage(ShardPlan plan, List<String> ids, int[] shard, int[] slice) {
        if (ids.size() != shard.length || ids.size() != slice.length) {
            throw new IllegalArgumentException("lineage columns disagree: " + ids.size() + " ids, " + shard.length + " shards, " + slice.length + " slices");
        }
        this.plan = plan;
        this.ids = List.copyOf(ids);
        this.shard = shard.clone();
        this.slice = slice.clone();
        this.positionById = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            if (shard[i] < 0 || shard[i] >= plan.shards() || slice[i] < 0 || slice[i] >= plan.slices()) {
                throw new IllegalArgumentException("record '" + ids.get(i) + "' is placed at shard " + shard[i] + ", slice " + slice[i]
                        + " outside the plan's " + plan.shards() + " × " + plan.slices());
            }
            positionById.put(ids.get(i), i);
        }
    }

    public ShardPlan plan() {
        return plan;
    }

    public int size() {
        return ids.size();
    }

    public String id(int position) {
        return ids.get(position);
    }

    public Placement placement(int position) {
        return new Placement(shard[position], slice[position]);
    }

    /** The position of a record id, if it is in the lineage. */
    public Optional<Integer> position(String recordId) {
        return Optional.ofNullable(positionById.get(recordId));
    }

    /** Positions of shard {@code s}'s records in slices {@code 0..uptoSlice}, in record order: what slice {@code uptoSlice} trains on. */
    public int[] trainingPositions(int s, int uptoSlice) {
        int count = 0;
        for (int i = 0; i < shard.length; i++) {
            if (shard[i] == s && slice[i] <= uptoSlice) {
                count++;
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < shard.length; i++) {
            if (shard[i] == s && slice[i] <= uptoSlice) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Number of records of shard {@code s} in slice {@code k} exactly. */
    public int sliceSize(int s, int k) {
        int count = 0;
        for (int i = 0; i < shard.length; i++) {
            if (shard[i] == s && slice[i] == k) {
                count++;
            }
        }
        return count;
    }

    /**
     * The checkpoint key of shard {@code s} after slice {@code k}: a SHA-256 over the training
     * configuration's fingerprint and the ordered ids of every record that checkpoint has seen.
     * Two checkpoints with the same key were trained on the same records with the same
     * configuration, and so (training being deterministic) hold the same bytes.
     */
    public CheckpointKey checkpointKey(int s, int k, String configFingerprint) {
        MessageDigest md = DigestUtils.getSha256Digest();
        md.update((configFingerprint + "\n" + plan.describe() + "\nshard=" + s + "\nslice=" + k + "\n").getBytes(StandardCharsets.UTF_8));
        for (int i : trainingPositions(s, k)) {
            md.update(ids.get(i).getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
        }
        return new CheckpointKey(s, k, Hex.encodeHexString(md.digest()));
    }

    /** The lineage of the remaining records once {@code forgotten} positions are removed; nothing else moves. */
    public Lineage without(Collection<Integer> forgotten) {
        Set<Integer> gone = new HashSet<>(forgotten);
        List<String> keptIds = new ArrayList<>();
        int[] keptShard = new int[ids.size() - gone.size()];
        int[] keptSlice = new int[keptShard.length];
        int k = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (!gone.contains(i)) {
                keptIds.add(ids.get(i));
                keptShard[k] = shard[i];
                keptSlice[k] = slice[i];
                k++;
            }
        }
        return new Lineage(plan, keptIds, keptShard, keptSlice);
    }

    /** The shard column (a copy). */
    public int[] shards() {
        return shard.clone();
    }

    /** The slice column (a copy). */
    public int[] slices() {
        return slice.clone();
    }
}
