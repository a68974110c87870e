package dev.lethe.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and {@code workers} workers (1 core, 2 GB each), each a
 * child JVM started from this JVM's class path with Spark's Java options, logging into {@code dir}. Workers launch
 * executors with the same class path (the driver sets {@code spark.executor.extraClassPath} to it); {@code SPARK_HOME}
 * is an empty folder, since the jars come from that class path.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Duration REGISTRATION = Duration.ofSeconds(90);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final String masterUrl;

    private StandaloneCluster(Path dir, int masterPort) {
        this.dir = dir;
        this.masterUrl = "spark://127.0.0.1:" + masterPort;
    }

    /** Starts the master and the workers and returns once every worker has registered with the master. */
    static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(dir, freePort());
        try {
            Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
            cluster.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", cluster.masterUrl.substring(cluster.masterUrl.lastIndexOf(':') + 1), "--webui-port", Integer.toString(freePort()));
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                cluster.launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                        "--memory", "2g", "--work-dir", work.toString(), "--webui-port", Integer.toString(freePort()), cluster.masterUrl);
            }
            cluster.awaitRegistered(workers, sparkHome.getParent());
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    /** The folders in which worker {@code i} ran executors (one per application it served). */
    List<Path> executorDirs(int worker) throws IOException {
        Path work = dir.resolve("worker-" + worker);
        List<Path> out = new ArrayList<>();
        try (var apps = Files.list(work)) {
            for (Path app : apps.filter(Files::isDirectory).toList()) {
                try (var executors = Files.list(app)) {
                    out.addAll(executors.filter(Files::isDirectory).toList());
                }
            }
        }
        return out;
    }

    /**
     * Kills (SIGKILL) the executor JVMs that worker {@code worker} runs, as a lost machine would; returns how many there
     * were. The worker itself stays, so the master can give the application a new executor there.
     */
    int killExecutors(int worker) {
        List<ProcessHandle> executors = processes.get(1 + worker).descendants().filter(ProcessHandle::isAlive).toList();
        executors.forEach(ProcessHandle::destroyForcibly);
        return executors.size();
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(SparkJavaOptions.FLAGS.split(" ")));
        command.addAll(List.of("-Xmx256m", "-Dspark.master.rest.enabled=false", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", dir.resolve("spark-home").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        processes.add(builder.start());
    }

    private void awaitRegistered(int workers, Path sparkHome) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + REGISTRATION.toNanos();
        while (true) {
            int registered = 0;
            for (int i = 0; i < workers; i++) {
                if (Files.readString(dir.resolve("worker-" + i + ".log")).contains("Successfully registered with master")) {
                    registered++;
                }
            }
            if (registered == workers) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a Spark cluster process exited (" + p.exitValue() + "); see the logs in " + dir);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(registered + " of " + workers + " workers registered within " + REGISTRATION.toSeconds()
                        + " s; see the logs in " + dir);
            }
            Thread.sleep(250);
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
