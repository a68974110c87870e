package dev.lethe.spark;

import dev.lethe.core.sisa.Lineage;
import dev.lethe.core.sisa.ShardFiles;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.sisa.ShardPlan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@link ShardJob} as it travels to a Spark task: plain serialisable fields only (the job's own types are not
 * {@link Serializable}), from which {@link #job} rebuilds the same job on the executor.
 *
 * @param config the SISA configuration ({@link SisaConfigJson})
 * @param storeUri the Hadoop file-system URI of the store as the executors see it ({@code file:///...} for a local store);
 *                 data files and checkpoints are found under it at the paths the store itself uses
 * @param shard the job's shard
 * @param fromSlice the first slice it trains
 * @param dataFile the job's data file, relative to the store
 * @param ids the job's record ids, in lineage order
 * @param slices each record's slice
 * @param configFingerprint the fingerprint every checkpoint key includes
 * @param trusted SHA-256 by checkpoint path (relative to {@code checkpoints/}) of the checkpoints the driver verified: the
 *                start checkpoint, and trained keys already stored (which the task reuses instead of training)
 * @param threads PyTorch intra-op threads of the executor JVM
 * @param device the device to train on ({@code cpu}, {@code gpu:N})
 * @param run the id of the {@link SparkShardExecutor#execute} call, by which a task in the driver's JVM finds its progress
 *            listener ({@link LocalProgress})
 */
record ShardTaskSpec(String config, String storeUri, int shard, int fromSlice, String dataFile, ArrayList<String> ids, int[] slices,
                     String configFingerprint, java.util.HashMap<String, String> trusted, int threads, String device, String run,
                     Graph graph)
        implements Serializable {

    /**
     * A user's TorchScript architecture, which an executor JVM does not know: the store file that keeps it (graph with
     * seed-drawn weights, {@code TorchScriptTemplates}), the SHA-256 the driver read, and the module digest it stands for.
     */
    record Graph(String moduleDigest, String file, String sha256) implements Serializable {
    }

    static ShardTaskSpec of(ShardJob job, String config, String storeUri, Map<String, String> trusted, int threads, String device,
                           String run, Graph graph) {
        Lineage lineage = job.lineage();
        ArrayList<String> ids = new ArrayList<>(lineage.size());
        int[] slices = new int[lineage.size()];
        for (int i = 0; i < lineage.size(); i++) {
            ids.add(lineage.id(i));
            slices[i] = lineage.placement(i).slice();
        }
        return new ShardTaskSpec(config, storeUri, job.shard(), job.fromSlice(), job.dataFile(), ids, slices, job.configFingerprint(),
                new java.util.HashMap<>(trusted), threads, device, run, graph);
    }

    /** The job again, under {@code plan}. */
    ShardJob job(ShardPlan plan) {
        return new ShardJob(shard, fromSlice, dataFile, ShardFiles.shardLineage(plan, shard, List.copyOf(ids), slices), configFingerprint);
    }
}
