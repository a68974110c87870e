package dev.lethe.spark;

import dev.lethe.core.store.StoreException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Spark application on the driver for one {@link SparkShardExecutor#execute} call: connects to the master, runs the
 * shard tasks as one Spark job with one partition per task, and stops. It fails fast and says why when Spark cannot do
 * the work: a {@code spark://} master that does not answer on its port (checked before Spark is started), no executor
 * joining within {@code executorWait}, or a task that failed (its own message, not Spark's stack of wrappers).
 *
 * <p>Defaults it sets unless a {@code spark.*} system property says otherwise (Spark reads those itself): no web UI
 * (Spark's Jetty 12 and the server's Jetty 11 need different servlet APIs on one class path), executors started with
 * {@link SparkJavaOptions} and {@code -Dai.djl.offline=true} on the driver's class path (a cluster whose workers mount the
 * same installation), and a loopback driver address when the master is local or on a loopback address.
 */
final class SparkRun implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String master;
    private final Duration executorWait;
    private final JavaSparkContext sc;

    private SparkRun(String master, Duration executorWait, JavaSparkContext sc) {
        this.master = master;
        this.executorWait = executorWait;
        this.sc = sc;
    }

    /** Starts a Spark application named {@code appName} on {@code master}. */
    static SparkRun start(String master, String appName, Duration executorWait) {
        checkReachable(master);
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName)
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.executor.extraJavaOptions", SparkJavaOptions.FLAGS + " -Dai.djl.offline=true")
                .setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .setIfMissing("spark.executorEnv.MALLOC_ARENA_MAX", "2");
        if (isLocal(master) || onLoopback(master)) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            return new SparkRun(master, executorWait, new JavaSparkContext(conf));
        } catch (RuntimeException e) {
            throw new StoreException("cannot start Spark with master " + master + ": " + e.getMessage(), e);
        }
    }

    JavaSparkContext context() {
        return sc;
    }

    /** Runs every task as one Spark job, one partition each; returns their results in the order of {@code specs}. */
    List<ShardTaskResult> run(List<ShardTaskSpec> specs) throws IOException {
        JavaFutureAction<List<ShardTaskResult>> job = sc.parallelize(specs, specs.size()).map(ShardTask::run).collectAsync();
        long deadline = System.nanoTime() + executorWait.toNanos();
        while (true) {
            try {
                return job.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!isLocal(master) && System.nanoTime() > deadline && executors() == 0) {
                    job.cancel(true);
                    throw new SparkEngineException("no Spark executor joined the application within " + executorWait.toSeconds() + " s on master "
                            + master + ": check that its workers are alive (the master's web UI lists them) and have the free cores and"
                            + " memory an executor asks for (spark.executor.memory, default 1g), or raise -D"
                            + SparkShardExecutor.EXECUTOR_WAIT_PROPERTY + "=SECONDS; nothing was committed", null);
                }
            } catch (ExecutionException e) {
                throw new SparkEngineException("shard training on Spark (master " + master + ") failed: " + describe(e.getCause())
                        + "; nothing was committed", e.getCause());
            } catch (InterruptedException e) {
                job.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while Spark trained the shards");
            }
        }
    }

    /** Executors that joined (the driver not counted). */
    private int executors() {
        return Math.max(0, sc.sc().statusTracker().getExecutorInfos().length - 1);
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** A failed job's reason: the task's own exception and message, without Spark's wrappers and stack. */
    static String describe(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        int recent = message.indexOf("most recent failure: ");
        if (recent >= 0) {
            message = message.substring(recent + "most recent failure: ".length());
        }
        int stack = message.indexOf("\n");
        return stack >= 0 ? message.substring(0, stack).trim() : message.trim();
    }

    /**
     * Fails at once, naming the master and what to do, when no master of a {@code spark://} URL accepts a connection
     * (Spark itself would retry for a minute before giving up).
     */
    static void checkReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI uri = URI.create("spark://" + hostPort.trim());
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("Spark master URL '" + master + "' is not spark://HOST:PORT[,HOST:PORT...]");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) CONNECT_TIMEOUT.toMillis());
                return;
            } catch (IOException e) {
                failures.add(hostPort.trim() + ": " + e.getMessage());
            }
        }
        throw new StoreException("cannot reach the Spark master " + master + " (" + String.join("; ", failures) + "). Start it (Spark's"
                + " sbin/start-master.sh, or spark-class org.apache.spark.deploy.master.Master) and its workers, check the host and port"
                + " (the master's log prints its spark:// URL), or train in this process with --master local[N] or --engine local;"
                + " nothing was committed");
    }

    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    private static boolean onLoopback(String master) {
        if (!master.startsWith("spark://")) {
            return false;
        }
        try {
            for (String hostPort : master.substring("spark://".length()).split(",")) {
                if (!InetAddress.getByName(URI.create("spark://" + hostPort.trim()).getHost()).isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Keeps Spark's, Netty's and Hadoop's INFO chatter (through slf4j-simple) off the command's stderr, unless the user
     * set their levels: effective for loggers not created yet, so called before the first Spark or Hadoop class is used.
     */
    static void quietLogs() {
        quiet("org.apache.spark", "warn");
        quiet("org.apache.spark.util.Utils", "error"); // "your hostname resolves to a loopback address"
        quiet("org.sparkproject", "warn");
        quiet("io.netty", "warn");
        quiet("org.apache.hadoop", "error");
    }

    private static void quiet(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }
}
