package dev.lethe.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The servers that answer from a store, as they say themselves: each running {@code lethe serve} keeps one small
 * file {@code servers/PID-PORT.json} in the store, rewritten (atomically) at every heartbeat with the model version
 * it answers with, and deleted when it stops. The audit reads them to check that every live server answers from
 * the current version (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 2); a lease whose process is gone, or whose heartbeat stopped, is
 * stale (a killed server) and ignored.
 */
public final class ServerLeases {

    /** A heartbeat older than this marks a lease stale even if a process with its pid exists (pid reuse). */
    public static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private ServerLeases() {
    }

    /**
     * One server's lease.
     *
     * @param pid the server's process id
     * @param host the address it listens on
     * @param port its port
     * @param modelVersion the model version it answers with; null when it answers with none (damaged checkpoints)
     * @param status "ok", or "degraded" when it cannot answer from the current version
     * @param startedAt when it started (ISO-8601)
     * @param heartbeatAt when it last wrote this lease (ISO-8601)
     */
    public record Lease(long pid, String host, int port, Integer modelVersion, String status, String startedAt, String heartbeatAt) {

        /** Whether the server is still running: its process exists and its heartbeat is recent. */
        public boolean live(Instant now) {
            boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return running && Duration.between(Instant.parse(heartbeatAt), now).compareTo(STALE_AFTER) < 0;
        }
    }

    /** The folder of the leases. */
    public static Path dir(Store store) {
        return store.root().resolve("servers");
    }

    /** The file of a server's lease. */
    public static Path file(Store store, long pid, int port) {
        return dir(store).resolve(pid + "-" + port + ".json");
    }

    /** Writes (replaces) a server's lease. */
    public static void write(Store store, Lease lease) throws IOException {
        AtomicFiles.write(file(store, lease.pid(), lease.port()), Store.json().writeValueAsBytes(lease));
    }

    /** Removes a server's lease (when it stops). */
    public static void delete(Store store, long pid, int port) throws IOException {
        Files.deleteIfExists(file(store, pid, port));
    }

    /** Every lease in the store, live or stale; a file that does not parse (a torn copy) is skipped. */
    public static List<Lease> read(Store store) throws IOException {
        Path dir = dir(store);
        List<Lease> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    out.add(Store.json().readValue(f.toFile(), Lease.class));
                } catch (JsonProcessingException e) {
                    // not a lease this code wrote; the audit has nothing to compare
                } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
                    // the server stopped while we listed
                }
            }
        }
        return out;
    }
}
