package dev.lethe.torch.sisa;

import dev.lethe.core.sisa.CheckpointKey;

import java.util.List;

/**
 * What one shard job produced.
 *
 * @param shard the job's shard
 * @param finalKey the key of the shard's final checkpoint
 * @param seconds wall time of the job, reading its records included
 * @param slices every slice it trained or reused, in order
 */
public record ShardResult(int shard, CheckpointKey finalKey, double seconds, List<SliceEvent> slices) {

    public ShardResult {
        slices = List.copyOf(slices);
    }
}
