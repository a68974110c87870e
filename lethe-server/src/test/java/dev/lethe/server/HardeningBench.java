package dev.lethe.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of docs/BENCHMARKS.md "Hardening" (not a test: runs only with {@code -Dlethe.bench=true}):
 * prediction latency while 300 slow connections are open, time to serve again after a PostgreSQL restart, and
 * the process memory while a 300 MB chunked body is refused.
 */
class HardeningBench {

    private static final String FEATURES = "{\"features\": [" + "0,".repeat(63) + "0]}";

    @Test
    void figures(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("lethe.bench"), "benchmark: run with -Dlethe.bench=true");
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0))) {
            double[] quiet = predictLatencies(s.client(), 500);
            List<Socket> slow = openSlow(s.server().port(), 300);
            Thread trickle = trickle(slow);
            double[] loaded = predictLatencies(s.client(), 500);
            trickle.interrupt();
            for (Socket socket : slow) {
                socket.close();
            }
            System.out.printf("BENCH predict ms without slow clients: p50 %.2f p99 %.2f; with 300 slow connections open: p50 %.2f p99 %.2f%n",
                    pct(quiet, 50), pct(quiet, 99), pct(loaded, 50), pct(loaded, 99));

            for (int run = 0; run < 3; run++) {
                System.gc();
                long rssBefore = rssKiB();
                AtomicLong sent = new AtomicLong();
                long peak;
                try (Socket socket = RawHttp.connect(s.server().port(), null)) {
                    Thread flood = RawHttp.floodChunked(socket, "POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + s.clientToken() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                            "{\"features\": [", (byte) '0', 300L << 20, sent);
                    RawHttp.Answer answer = RawHttp.readAnswer(socket.getInputStream());
                    peak = rssKiB();
                    flood.join(30_000);
                    peak = Math.max(peak, rssKiB());
                    System.out.printf("BENCH 300 MB chunked body: answer %d after %d MiB sent, RSS %d MiB before, %d MiB after%n",
                            answer.status(), sent.get() >> 20, rssBefore >> 10, peak >> 10);
                }
            }
        }

        PostgresCluster postgres = PostgresCluster.startOrSkip();
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("pg-store")), "127.0.0.1", 0)
                .withJdbcUrl(postgres.newDatabase()))) {
            for (int run = 0; run < 3; run++) {
                postgres.stop();
                Thread.sleep(2_000);
                postgres.start();
                long start = System.nanoTime();
                while (s.client().post("/v1/predict", FEATURES).status() != 200) {
                    Thread.sleep(20);
                }
                System.out.printf("BENCH PostgreSQL restart: first 200 %.3f s after the database accepted connections%n",
                        (System.nanoTime() - start) / 1e9);
            }
        } finally {
            postgres.close();
        }
    }

    private static double[] predictLatencies(Api api, int n) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            if (api.post("/v1/predict", FEATURES).status() != 200) {
                throw new AssertionError("predict failed");
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static List<Socket> openSlow(int port, int n) throws IOException {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket = RawHttp.connect(port, "127.0.0.2");
            OutputStream out = socket.getOutputStream();
            out.write(("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 1000\r\n\r\nt").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            slow.add(socket);
        }
        return slow;
    }

    /** One byte per connection every 5 s; a connection the server closed is reopened, so 300 stay open. */
    private static Thread trickle(List<Socket> slow) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < slow.size(); i++) {
                    try {
                        slow.get(i).getOutputStream().write('o');
                    } catch (IOException closed) {
                        try {
                            slow.set(i, openSlow(slow.get(i).getPort(), 1).get(0));
                        } catch (IOException ignored) {
                            // try again next round
                        }
                    }
                }
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickle");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long rssKiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
    }
}
