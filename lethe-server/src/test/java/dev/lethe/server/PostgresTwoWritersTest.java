package dev.lethe.server;

import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.core.ledger.RequestSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two writers on one PostgreSQL ledger append to one chain without colliding on its sequence numbers, a
 * second server on a ledger already served is refused at start, and after a database restart (which ends every
 * session, the lease's too) exactly one server holds the lease again.
 */
class PostgresTwoWritersTest extends WithPostgres {

    @Test
    void twoLedgerWritersOnOneDatabaseKeepOneIntactChain() throws Exception {
        String url = postgres.newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Ledger a = Ledger.open(url, null, null); Ledger b = Ledger.open(url, null, null)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Ledger ledger = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("r-" + thread + "-" + i), null, null), "p" + thread);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(a.events()).hasSize(100);
            assertThat(b.verifyChain().intact()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondServerOnALedgerAlreadyServedIsRefused(@TempDir Path dir) throws Exception {
        String url = postgres.newDatabase();
        try (RunningServer first = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("a")), "127.0.0.1", 0)
                .withJdbcUrl(url))) {
            assertThatThrownBy(() -> LetheServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("b")), "127.0.0.1", 0)
                    .withJdbcUrl(url))).isInstanceOf(LedgerException.class).hasMessageContaining("already serves");
            assertThat(first.admin().get("/v1/ready").status()).isEqualTo(200);
        }
        // once the first one stops, the ledger can be served again
        try (LetheServer again = LetheServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("c")), "127.0.0.1", 0)
                .withJdbcUrl(url))) {
            Api.Response ready = Api.of(again.port(), null).get("/v1/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"lease\":\"held\"");
        }
    }

    @Test
    void afterADatabaseRestartOneServerHoldsTheLeaseAndTheOtherGivesWay(@TempDir Path dir) throws Exception {
        String url = postgres.newDatabase();
        try (RunningServer first = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("a")), "127.0.0.1", 0)
                .withJdbcUrl(url))) {
            postgres.stop();
            postgres.start();
            // the restart ended the first server's lease session: a server started now takes the lease
            try (LetheServer second = LetheServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("b")), "127.0.0.1", 0)
                    .withJdbcUrl(url))) {
                Api.Response ready = awaitReady(first, 503);
                assertThat(ready.body()).contains("\"lease\":\"not held");
                assertThat(Api.of(second.port(), null).get("/v1/ready").status()).isEqualTo(200);
            }
            // the second one stopped: the first takes its lease again, and a newcomer is refused as before
            assertThat(awaitReady(first, 200).body()).contains("\"lease\":\"held\"");
            assertThatThrownBy(() -> LetheServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("c")), "127.0.0.1", 0)
                    .withJdbcUrl(url))).isInstanceOf(LedgerException.class).hasMessageContaining("already serves");
        }
    }

    /** Polls the first server's readiness until it answers {@code status} (at most 30 s: the pool reconnects first). */
    private static Api.Response awaitReady(RunningServer server, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Api.Response r = server.admin().get("/v1/ready");
        while (r.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = server.admin().get("/v1/ready");
        }
        assertThat(r.status()).as("readiness: %s", r.body()).isEqualTo(status);
        return r;
    }
}
