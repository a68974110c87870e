package dev.lethe.spark;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.model.TorchScriptModules;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaTrainer;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.spark.SparkEnv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * The body of one Spark task: trains one shard job on the executor, exactly as {@code LocalShardExecutor} does
 * ({@link SisaTrainer#trainShard}), reading the job's data file and start checkpoint from the store through Hadoop and
 * writing its checkpoints there ({@link HadoopCheckpointStore}).
 *
 * <p>DJL allows one gradient collector per JVM, and PyTorch's thread count is process-wide: tasks that share an executor
 * JVM (every task in {@code local[N]} mode, or an executor given several cores) therefore train one at a time, under
 * one JVM-wide lock, each with the configuration's thread count. Shards train in parallel only in separate executor
 * JVMs (a standalone cluster's workers); {@code local[N]} overlaps no more than reading and writing files.
 */
final class ShardTask {

    /** One trainer at a time per JVM (DJL's single gradient collector). */
    private static final Object TRAINING = new Object();

    private ShardTask() {
    }

    static ShardTaskResult run(ShardTaskSpec spec) throws IOException {
        synchronized (TRAINING) {
            long start = System.nanoTime();
            TorchRuntime.start(spec.threads());
            SisaConfig config = SisaConfigJson.read(spec.config());
            ShardJob job = spec.job(config.plan());
            HadoopFiles files = HadoopFiles.at(spec.storeUri());
            knowGraph(spec.graph(), files);
            HadoopCheckpointStore checkpoints = new HadoopCheckpointStore(files, spec.trusted());
            RecordSet records = new HadoopShardDataStore(files).read(job.dataFile()).records();
            if (!records.ids().equals(spec.ids())) {
                throw new StoreException("data file " + job.dataFile() + " under " + files.uri() + " holds other records than the"
                        + " driver planned shard " + job.shard() + " on: does the executor see the same store as the driver?");
            }
            ArrayList<ShardTaskResult.Slice> slices = new ArrayList<>();
            CheckpointKey last = new SisaTrainer(config, checkpoints, TorchRuntime.device(spec.device()))
                    .listener(LocalProgress.listener(spec.run()))
                    .onSlice(e -> slices.add(ShardTaskResult.Slice.of(e)))
                    .trainShard(records, job.lineage(), job.shard(), job.fromSlice());
            HashMap<String, String> digests = new HashMap<>();
            for (CheckpointKey key : job.trainedKeys()) {
                String sha = checkpoints.written().get(key.relativePath());
                if (sha == null) {
                    throw new StoreException("shard " + job.shard() + " finished without checkpoint " + key.relativePath());
                }
                digests.put(key.relativePath(), sha);
            }
            return new ShardTaskResult(job.shard(), last.relativePath(), (System.nanoTime() - start) / 1e9, slices, digests, executor());
        }
    }

    /** Makes a user's TorchScript architecture known to this JVM from the store, after checking the driver's digest. */
    private static void knowGraph(ShardTaskSpec.Graph graph, HadoopFiles files) throws IOException {
        if (graph == null) {
            return;
        }
        byte[] bytes = files.readAllBytes(graph.file());
        String sha = DigestUtils.sha256Hex(bytes);
        if (!sha.equals(graph.sha256())) {
            throw new StoreException(graph.file() + " under " + files.uri() + " has SHA-256 " + sha + " where the driver read "
                    + graph.sha256() + ": the executor sees another store, or the file changed under the job");
        }
        TorchScriptModules.remember(graph.moduleDigest(), bytes);
    }

    private static String executor() {
        SparkEnv env = SparkEnv.get();
        String host = env == null ? "?" : env.blockManager().blockManagerId().host();
        return (env == null ? "?" : env.executorId()) + "@" + host + " (pid " + ProcessHandle.current().pid() + ")";
    }
}
