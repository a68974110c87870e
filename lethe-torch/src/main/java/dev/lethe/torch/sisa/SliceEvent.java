package dev.lethe.torch.sisa;

import dev.lethe.core.sisa.CheckpointKey;

/**
 * One slice of one shard finished.
 *
 * @param key the checkpoint after the slice
 * @param records records the slice trained on (cumulative)
 * @param seconds wall time of the slice
 * @param reused whether the checkpoint already existed and was loaded instead of trained
 */
public record SliceEvent(CheckpointKey key, int records, double seconds, boolean reused) {
}
