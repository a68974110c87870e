package dev.lethe.server;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb -A trust} in a temporary folder, {@code pg_ctl start} on a
 * free port of 127.0.0.1 with its socket in that folder, one fresh database per caller, and {@code pg_ctl stop}
 * with the folder deleted on {@link #close()}. The binaries come from {@code LETHE_PG_BIN}, {@code /usr/local/bin}
 * or the PATH; when they are missing or the cluster cannot start, {@link #startOrSkip()} skips the calling tests
 * with the reason (a JUnit assumption). Run as root, the cluster runs as the {@code postgres} user (initdb refuses
 * root).
 */
final class PostgresCluster implements AutoCloseable {

    private final Path dir;
    private final List<String> asUser;
    private final Path pgCtl;
    final int port;
    private int databases;

    private PostgresCluster(Path dir, List<String> asUser, Path pgCtl, int port) {
        this.dir = dir;
        this.asUser = asUser;
        this.pgCtl = pgCtl;
        this.port = port;
    }

    static PostgresCluster startOrSkip() {
        Path bin = binaries();
        Assumptions.assumeTrue(bin != null, "PostgreSQL tests skipped: no initdb/pg_ctl in LETHE_PG_BIN, /usr/local/bin or the PATH");
        List<String> asUser = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            Assumptions.assumeTrue(run(List.of("id", "-u", "postgres"), null).exit == 0,
                    "PostgreSQL tests skipped: running as root and there is no 'postgres' user for initdb");
            asUser = List.of("runuser", "-u", "postgres", "--");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lethe-pg");
            if (!asUser.isEmpty()) {
                require(run(List.of("chown", "postgres", dir.toString()), null), "chown");
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            require(run(command(asUser, bin.resolve("initdb"), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "lethe",
                    "-N", "-E", "UTF8"), dir.resolve("initdb.log")), "initdb");
            PostgresCluster cluster = new PostgresCluster(dir, asUser, bin.resolve("pg_ctl"), port);
            cluster.start();
            return cluster;
        } catch (IOException | IllegalStateException e) {
            deleteQuietly(dir);
            Assumptions.abort("PostgreSQL tests skipped: the throwaway cluster did not start: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }

    /** A new, empty database; its JDBC URL. */
    synchronized String newDatabase() throws SQLException {
        String name = "lethe_test_" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=lethe";
    }

    /** Starts the cluster (again) on its port. */
    void start() {
        require(run(command(asUser, pgCtl, "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"),
                dir.resolve("pg_ctl.log")), "pg_ctl start");
    }

    /** Stops the cluster at once (clients see their connections drop), keeping its data for {@link #start()}. */
    void stop() {
        require(run(command(asUser, pgCtl, "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"), null),
                "pg_ctl stop");
    }

    @Override
    public void close() {
        run(command(asUser, pgCtl, "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), null);
        deleteQuietly(dir);
    }

    private static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("LETHE_PG_BIN");
        if (env != null) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of("/usr/local/bin"));
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                candidates.add(Path.of(p));
            }
        }
        return candidates.stream().filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
                .findFirst().orElse(null);
    }

    private static List<String> command(List<String> asUser, Path program, String... args) {
        List<String> c = new ArrayList<>(asUser);
        c.add(program.toString());
        c.addAll(List.of(args));
        return c;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            if (log != null) {
                Files.writeString(log, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static void require(Result r, String what) {
        if (r.exit != 0) {
            throw new IllegalStateException(what + " exited with " + r.exit + ": " + r.output.strip());
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it eventually
        }
    }
}
