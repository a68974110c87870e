package dev.lethe.torch.sisa;

import dev.lethe.core.sisa.ShardJob;

import java.io.IOException;
import java.util.List;

/**
 * Runs shard jobs: the execute step of SISA training and of forgetting (plan → execute → commit, see
 * docs/ARCHITECTURE.md). An executor trains each job's shard from its first slice on the records of its data
 * file, reading data and checkpoints and writing checkpoints only through the {@link ShardContext}; it never
 * touches the manifest, the ledger or any other file of the store, so that what it produced is committed the
 * same way whatever ran it. {@link LocalShardExecutor} is today's loop in this JVM; other engines (a cluster's
 * workers) register through {@link ShardExecutors}.
 *
 * <p>Jobs may run in any order or at once in separate processes (DJL allows one gradient collector per JVM, so
 * not on threads of one JVM at once). A deterministic trainer makes each job's checkpoints a pure function of the
 * job, so every executor must produce the checkpoints the local one does, bit for bit.
 */
public interface ShardExecutor {

    /** The name it is found by ({@link ShardExecutors#get}), kebab-case. */
    String name();

    /**
     * Runs every job; returns one result per job, in the order of {@code jobs}. When it returns, every key of
     * {@link ShardJob#trainedKeys()} of every job is in {@code context.checkpoints()}.
     */
    List<ShardResult> execute(List<ShardJob> jobs, ShardContext context) throws IOException;
}
