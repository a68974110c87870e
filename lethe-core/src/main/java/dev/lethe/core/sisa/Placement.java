package dev.lethe.core.sisa;

/**
 * Where one record trains: its shard, and the slice from which on it is part of that shard's
 * cumulative training data.
 *
 * @param shard 0-based shard
 * @param slice 0-based slice
 */
public record Placement(int shard, int slice) {
}
