package dev.lethe.spark;

/**
 * The JVM options Spark needs on Java 17+, as Spark's own launcher adds them
 * ({@code org.apache.spark.launcher.JavaModuleOptions}): Spark, Kryo and Netty reach into {@code java.base}. A JVM that
 * runs Spark (the {@code lethe} script, the tests, every executor) starts with them; on a JVM that never touches Spark
 * they are harmless. {@link SparkRun} hands them to executors with {@code -Dai.djl.offline=true}.
 */
public final class SparkJavaOptions {

    /** The options, space-separated (the same list is in lethe-spark's pom and the {@code lethe} script). */
    public static final String FLAGS = String.join(" ",
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private SparkJavaOptions() {
    }
}
