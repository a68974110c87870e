package dev.lethe.spark;

import ai.djl.Device;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.model.TorchScriptFamily;
import dev.lethe.torch.service.TorchScriptTemplates;
import dev.lethe.torch.sisa.ShardContext;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.ShardResult;
import dev.lethe.torch.sisa.SisaConfig;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Trains shard jobs as Apache Spark tasks, the {@value #NAME} shard executor (docs/ARCHITECTURE.md, executors): one Spark
 * job per {@link #execute} call with one partition per shard job, each task training its shard with {@code SisaTrainer}
 * exactly as the local executor does, on an executor JVM that reads the store's data file and start checkpoint and
 * writes its checkpoints through Hadoop's file system API ({@link StoreLocation}). The driver then checks every trained
 * checkpoint against the digest its task reported and hands it to the context's checkpoint store; committing stays with
 * the service that called it. Deterministic training makes the checkpoints those of the local executor, bit for bit.
 *
 * <p>Where it runs: the master given to the constructor, else the system property {@value #MASTER_PROPERTY}, else
 * {@code spark.master} (what {@code spark-submit --master} sets), else {@value #DEFAULT_MASTER}. In {@code local[N]} the tasks share this JVM and train one at a time (DJL allows one gradient
 * collector per JVM, see {@link ShardTask}); shards train in parallel on a standalone cluster, one per executor JVM.
 * The store must be on a file system every executor reaches at the same path, or {@code -Dlethe.spark.store-uri} names
 * where they do. Each task starts PyTorch with the thread count the store's configuration records (part of every
 * checkpoint key); only a configuration without one takes {@value #TASK_THREADS_PROPERTY} (default 1). Other Spark
 * settings come from {@code spark.*} system properties, as Spark reads them.
 */
public final class SparkShardExecutor implements ShardExecutor {

    public static final String NAME = "spark";
    /** The system property naming the master when the constructor did not. */
    public static final String MASTER_PROPERTY = "lethe.spark.master";
    /** PyTorch intra-op threads per task when the SISA configuration records none. */
    public static final String TASK_THREADS_PROPERTY = "lethe.spark.task-threads";
    /** How long a cluster may take to give the application its first executor before the run fails (seconds, default 60). */
    public static final String EXECUTOR_WAIT_PROPERTY = "lethe.spark.executor-wait-seconds";
    public static final String DEFAULT_MASTER = "local[2]";

    /** One Spark application per JVM at a time (Spark allows one active context). */
    private static final Object ONE_APPLICATION = new Object();

    private final String master;

    /** The executor of the service file: its master comes from {@value #MASTER_PROPERTY} when it runs. */
    public SparkShardExecutor() {
        this(null);
    }

    /** An executor on {@code master} (a Spark master URL: {@code local[N]}, {@code spark://HOST:PORT}, ...); null: as the no-argument one. */
    public SparkShardExecutor(String master) {
        this.master = master == null || master.isBlank() ? null : master.trim();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The master the next {@link #execute} connects to. */
    public String master() {
        // spark.master: the one spark-submit sets for the driver it starts
        return master != null ? master : System.getProperty(MASTER_PROPERTY, System.getProperty("spark.master", DEFAULT_MASTER));
    }

    @Override
    public List<ShardResult> execute(List<ShardJob> jobs, ShardContext context) throws IOException {
        if (jobs.isEmpty()) {
            return List.of();
        }
        SparkRun.quietLogs();
        String masterUrl = master();
        String storeUri = StoreLocation.of(context);
        StoreLocation.checkWritable(storeUri);
        String config = SisaConfigJson.write(context.config());
        int threads = taskThreads(context.config());
        String device = deviceName(context.device());
        String run = UUID.randomUUID().toString();
        ShardTaskSpec.Graph graph = graph(context.config(), storeUri);
        List<ShardTaskSpec> specs = new ArrayList<>(jobs.size());
        for (ShardJob job : jobs) {
            specs.add(ShardTaskSpec.of(job, config, storeUri, trusted(job, context.checkpoints()), threads, device, run, graph));
        }
        List<ShardTaskResult> results;
        synchronized (ONE_APPLICATION) {
            try (AutoCloseable progress = LocalProgress.register(run, context.listener());
                 SparkRun spark = SparkRun.start(masterUrl, "lethe: " + jobs.size() + " SISA shard job(s)", executorWait())) {
                results = spark.run(specs);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        return TrainedCheckpoints.accept(jobs, results, HadoopFiles.at(storeUri), context);
    }

    /**
     * The checkpoints a task may trust, by path, with the SHA-256 of their verified bytes: the job's start checkpoint
     * (read through the context's store, which refuses a damaged one), and trained keys the store already holds, which
     * the task then reuses as the local executor would.
     */
    private static Map<String, String> trusted(ShardJob job, CheckpointStore checkpoints) throws IOException {
        Map<String, String> trusted = new HashMap<>();
        List<CheckpointKey> keys = new ArrayList<>(job.trainedKeys());
        job.start().ifPresent(keys::add);
        for (CheckpointKey key : keys) {
            boolean start = job.start().isPresent() && job.start().get().equals(key);
            if (start || checkpoints.contains(key)) {
                try (InputStream in = checkpoints.open(key)) {
                    trusted.put(key.relativePath(), DigestUtils.sha256Hex(in));
                }
            }
        }
        return trusted;
    }

    /**
     * For a user's TorchScript architecture, the store file that keeps it and its SHA-256 as the driver reads it, so that an
     * executor JVM that never saw the module builds the same fresh copies; null for Lethe's own families.
     */
    private static ShardTaskSpec.Graph graph(SisaConfig config, String storeUri) throws IOException {
        if (!(config.model().family() instanceof TorchScriptFamily)) {
            return null;
        }
        String digest = config.model().parameters(TorchScriptFamily.ModuleDigest.class).digest();
        String file = TorchScriptTemplates.fileName(digest);
        HadoopFiles files = HadoopFiles.at(storeUri);
        if (!files.isFile(file)) {
            throw new StoreException(file + " is missing from " + storeUri + ": the store keeps the TorchScript architecture there for"
                    + " fresh shard copies; train the store again");
        }
        return new ShardTaskSpec.Graph(digest, file, files.sha256(file));
    }

    /**
     * PyTorch threads per task: the configuration's (its checkpoints' bits depend on it); {@value #TASK_THREADS_PROPERTY}
     * only for a configuration that records none, and refused when it contradicts the configuration.
     */
    static int taskThreads(SisaConfig config) {
        String configured = System.getProperty(TASK_THREADS_PROPERTY);
        Integer asked = null;
        if (configured != null && !configured.isBlank()) {
            try {
                asked = Integer.parseInt(configured.trim());
            } catch (NumberFormatException e) {
                asked = -1;
            }
            if (asked < 1) {
                throw new IllegalArgumentException("-D" + TASK_THREADS_PROPERTY + "=" + configured + ": give a whole number of threads, at least 1");
            }
        }
        if (config.threads() > 0) {
            if (asked != null && asked != config.threads()) {
                throw new IllegalArgumentException("-D" + TASK_THREADS_PROPERTY + "=" + asked + " contradicts the " + config.threads()
                        + " PyTorch threads this store's checkpoints are trained with (part of every checkpoint key): drop the property");
            }
            return config.threads();
        }
        return asked != null ? asked : 1;
    }

    private static Duration executorWait() {
        return Duration.ofSeconds(Long.getLong(EXECUTOR_WAIT_PROPERTY, 60L));
    }

    private static String deviceName(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}
