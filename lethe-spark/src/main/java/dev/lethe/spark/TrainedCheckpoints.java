package dev.lethe.spark;

import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.sisa.ShardContext;
import dev.lethe.torch.sisa.ShardResult;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's side of the hand-over from Spark tasks: every checkpoint a task reports is read back from where the task
 * wrote it, checked against the SHA-256 the task reported, and put into the context's own checkpoint store — which
 * learns its digest for the manifest, and, for a store that already records that key, refuses other bytes. For a store
 * the tasks wrote into directly this rewrites each file with the bytes it already holds. Only then are the slices
 * reported and the results returned; committing stays with the service that called the executor.
 */
final class TrainedCheckpoints {

    private TrainedCheckpoints() {
    }

    static List<ShardResult> accept(List<ShardJob> jobs, List<ShardTaskResult> results, HadoopFiles store, ShardContext context)
            throws IOException {
        if (results.size() != jobs.size()) {
            throw new StoreException("Spark returned " + results.size() + " shard results for " + jobs.size() + " jobs");
        }
        List<ShardResult> accepted = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            ShardJob job = jobs.get(i);
            ShardTaskResult result = results.get(i);
            if (result.shard() != job.shard()) {
                throw new StoreException("Spark returned the result of shard " + result.shard() + " for the job of shard " + job.shard());
            }
            for (CheckpointKey key : job.trainedKeys()) {
                take(key, result, store, context);
            }
            ShardResult shard = result.result();
            shard.slices().forEach(context.onSlice());
            accepted.add(shard);
        }
        return accepted;
    }

    private static void take(CheckpointKey key, ShardTaskResult result, HadoopFiles store, ShardContext context) throws IOException {
        String path = key.relativePath();
        String reported = result.digests().get(path);
        if (reported == null) {
            throw new StoreException("the Spark task of shard " + result.shard() + " (executor " + result.executor() + ") did not report checkpoint " + path);
        }
        String file = "checkpoints/" + path;
        if (!store.isFile(file)) {
            throw new StoreException("checkpoint " + path + " that the Spark task of shard " + result.shard() + " wrote (executor "
                    + result.executor() + ") is not under " + store.uri() + "checkpoints/ as the driver sees it: do the executors write"
                    + " to the store this process reads (same machine, or a shared mount at the same path)?");
        }
        byte[] bytes = store.readAllBytes(file);
        String actual = DigestUtils.sha256Hex(bytes);
        if (!actual.equals(reported)) {
            throw new StoreException("checkpoint " + path + " has SHA-256 " + actual.substring(0, 12) + "… under " + store.uri()
                    + ", but the Spark task that wrote it reported " + reported.substring(0, 12) + "…: it changed after the task");
        }
        context.checkpoints().put(key, out -> out.write(bytes));
        if (!context.checkpoints().contains(key)) {
            throw new StoreException("checkpoint " + path + " is not in the store after the hand-over from Spark");
        }
    }
}
