package dev.lethe.torch.sisa;

import dev.lethe.core.registry.Registry;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.store.StoreException;

import java.io.IOException;
import java.util.List;

/**
 * The registry of shard executors, by name: {@value LocalShardExecutor#NAME} is built in; another engine plugs in
 * from its own module without editing this class, by naming its {@link ShardExecutor} (public, with a public
 * no-argument constructor) in {@code META-INF/services/dev.lethe.torch.sisa.ShardExecutor}.
 */
public final class ShardExecutors {

    private static final Registry<ShardExecutor> EXECUTORS = new Registry<>("shard executor", "executors", ShardExecutor::name,
            List.of(new LocalShardExecutor()), ShardExecutor.class);

    private ShardExecutors() {
    }

    /** The executor that runs shards in this JVM, the default. */
    public static ShardExecutor local() {
        return EXECUTORS.get(LocalShardExecutor.NAME);
    }

    /** Every registered executor's name, the built-in one first. */
    public static List<String> names() {
        return EXECUTORS.names();
    }

    /** The executor with this name; an unknown name fails with the list of valid ones. */
    public static ShardExecutor get(String name) {
        return EXECUTORS.get(name);
    }

    /**
     * Runs {@code jobs} on {@code executor} and checks what it returned against the jobs: one result per job, in
     * order, each ending at the final checkpoint its job names. A plug-in that answers otherwise has trained
     * something other than what was planned, and nothing of it may be committed.
     */
    public static List<ShardResult> run(ShardExecutor executor, List<ShardJob> jobs, ShardContext context) throws IOException {
        List<ShardResult> results = executor.execute(jobs, context);
        if (results.size() != jobs.size()) {
            throw new StoreException("shard executor '" + executor.name() + "' returned " + results.size() + " results for " + jobs.size() + " jobs");
        }
        for (int i = 0; i < jobs.size(); i++) {
            ShardJob job = jobs.get(i);
            ShardResult result = results.get(i);
            if (result.shard() != job.shard() || !result.finalKey().equals(job.finalKey())) {
                throw new StoreException("shard executor '" + executor.name() + "' returned checkpoint " + result.finalKey().relativePath()
                        + " for the job that ends at " + job.finalKey().relativePath());
            }
        }
        return results;
    }
}
