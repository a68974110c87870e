package dev.lethe.spark;

import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.sisa.ShardResult;
import dev.lethe.torch.sisa.SliceEvent;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * What a Spark task sends back for its shard job: a serialisable copy of a {@link ShardResult} (whose own types are
 * not {@link Serializable}) plus the SHA-256 of every checkpoint the task wrote or reused, which the driver checks
 * against the files before anything is committed.
 *
 * @param shard the job's shard
 * @param finalKey the final checkpoint's path (relative to {@code checkpoints/})
 * @param seconds wall time of the task's training, reading its records included
 * @param slices every slice it trained or reused, in order
 * @param digests SHA-256 by checkpoint path of every checkpoint of {@code slices}
 * @param executor the executor that ran it (Spark's executor id and host), for messages and reports
 */
record ShardTaskResult(int shard, String finalKey, double seconds, ArrayList<Slice> slices, HashMap<String, String> digests,
                       String executor) implements Serializable {

    /** One {@link SliceEvent}, serialisable. */
    record Slice(String key, int records, double seconds, boolean reused) implements Serializable {

        static Slice of(SliceEvent e) {
            return new Slice(e.key().relativePath(), e.records(), e.seconds(), e.reused());
        }

        SliceEvent event() {
            return new SliceEvent(ShardTaskResult.key(key), records, seconds, reused);
        }
    }

    List<SliceEvent> events() {
        return slices.stream().map(Slice::event).toList();
    }

    ShardResult result() {
        return new ShardResult(shard, key(finalKey), seconds, events());
    }

    static CheckpointKey key(String path) {
        return CheckpointKey.parse(path).orElseThrow(() -> new StoreException("a Spark task named '" + path + "', which is not a checkpoint path"));
    }
}
