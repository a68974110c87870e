package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.IdempotencyConflictException;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.ledger.RequestStatus;
import ai.djl.Device;
import dev.lethe.core.store.Store;
import dev.lethe.torch.sisa.RepairService;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same ledger and server code on a real PostgreSQL server (a throwaway cluster; skipped with a message when
 * PostgreSQL is not installed).
 */
class PostgresLedgerAndServerTest extends WithPostgres {

    @Test
    void theLedgerKeepsRequestsStatusesIdempotencyAndAnIntactChainOnPostgres() throws Exception {
        try (Ledger ledger = Ledger.open(postgres.newDatabase(), null, null)) {
            // Given three requests, one of them retried with its idempotency key
            Ledger.Acceptance first = ledger.submit(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-2", "s-1"), "art. 17", "key-1"), "alice");
            Ledger.Acceptance retried = ledger.submit(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1", "s-2"), null, "key-1"), "alice");
            ForgetRequest second = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("r-9"), null, null), "bob");
            ForgetRequest third = ledger.accept(new RequestSpec(ForgetKind.LABEL, List.of("3"), null, null), "bob");
            assertThat(first.created()).isTrue();
            assertThat(retried.created()).isFalse();
            assertThat(retried.request().id()).isEqualTo(first.request().id());
            assertThatThrownBy(() -> ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-3"), null, "key-1"), "alice"))
                    .isInstanceOf(IdempotencyConflictException.class);

            // When they run in a batch: one done, one failed
            ledger.markRunning(List.of(first.request().id(), second.id()), "batch-v2");
            ledger.complete(first.request().id(), "{\"modelVersion\": 2}");
            ledger.fail(second.id(), "shard file unreadable");

            // Then statuses, values, paging and the chain are as on SQLite
            ForgetRequest done = ledger.find(first.request().id()).orElseThrow();
            assertThat(done.status()).isEqualTo(RequestStatus.DONE);
            assertThat(done.values()).isEmpty();
            assertThat(done.valuesCount()).isEqualTo(2);
            assertThat(done.receiptJson()).contains("modelVersion");
            assertThat(ledger.find(second.id()).orElseThrow().values()).containsExactly("r-9");
            assertThat(ledger.pending()).extracting(ForgetRequest::id).containsExactly(third.id());
            assertThat(ledger.list(null, 1, 1)).extracting(ForgetRequest::id).containsExactly(second.id());
            assertThat(ledger.list(RequestStatus.FAILED, 0, 10)).extracting(ForgetRequest::failure).containsExactly("shard file unreadable");
            List<AuditEvent> events = ledger.events();
            assertThat(events).extracting(AuditEvent::type).containsExactly("request.accepted", "request.accepted", "request.accepted",
                    "request.running", "request.running", "request.done", "request.failed");
            assertThat(events.get(0).principal()).isEqualTo("alice");
            assertThat(ledger.verifyChain().intact()).isTrue();
            assertThat(ledger.containsHash(ledger.head().orElseThrow().hash())).isTrue();
        }
    }

    @Test
    void theServerRunsItsLedgerAndTokensOnPostgres(@TempDir Path dir) throws Exception {
        String url = postgres.newDatabase();
        Path store = TestStores.copy(dir.resolve("store"));
        try (RunningServer server = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0).withJdbcUrl(url)
                .withBatchWindow(Duration.ofMillis(100)))) {
            Api admin = server.admin();
            // the fresh PostgreSQL ledger adopted the store: its audit passes before any batch
            JsonNode adopted = admin.post("/v1/audit", "").json();
            assertThat(adopted.get("passed").asBoolean()).as(adopted.toString()).isTrue();
            Api.Response accepted = admin.post("/v1/forget-requests", "{\"subjectIds\": [\"subject-3\"], \"idempotencyKey\": \"pg-1\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String id = accepted.json().get("id").asText();
            JsonNode done = admin.awaitFinished(id, 120);
            assertThat(done.get("status").asText()).isEqualTo("done");
            assertThat(done.at("/receipt/retrained")).hasSize(1);
            assertThat(admin.post("/v1/forget-requests", "{\"subjectIds\": [\"subject-3\"], \"idempotencyKey\": \"pg-1\"}").status())
                    .isEqualTo(200);
            assertThat(server.client().get("/v1/models/current").json().get("version").asInt()).isEqualTo(2);
            JsonNode audit = admin.post("/v1/audit", "").json();
            assertThat(audit.get("passed").asBoolean()).as(audit.toString()).isTrue();
        }
        // And the request lives in PostgreSQL, not in the store's SQLite file
        try (Ledger pg = Ledger.open(url, null, null); Ledger sqlite = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(pg.list(null, 0, 10)).singleElement().satisfies(r -> assertThat(r.principal()).isEqualTo("admin-1"));
            assertThat(sqlite.list(null, 0, 10)).isEmpty();
            // and the PostgreSQL trail starts with the adoption, naming the head of the store's own ledger
            AuditEvent first = pg.events().get(0);
            assertThat(first.type()).isEqualTo("store.adopted");
            assertThat(first.payload()).contains(sqlite.head().orElseThrow().hash());
        }
    }

    @Test
    void aRepairIsRecordedInTheLedgerTheServerUses(@TempDir Path dir) throws Exception {
        Path storeDir = TestStores.copy(dir.resolve("store"));
        Path checkpoint;
        try (var files = Files.walk(storeDir.resolve("checkpoints"))) {
            checkpoint = files.filter(f -> f.toString().endsWith(".ckpt")).sorted().findFirst().orElseThrow();
        }
        Files.delete(checkpoint);
        Store store = Store.open(storeDir);
        try (Ledger ledger = Ledger.open(postgres.newDatabase(), null, null)) {
            RepairService.Outcome outcome = RepairService.repair(store, Device.cpu(), TrainListener.NONE, ledger);
            assertThat(outcome.repaired()).extracting(RepairService.Repaired::problem).contains("missing");
            assertThat(checkpoint).exists();
            assertThat(ledger.events()).extracting(AuditEvent::type).contains("store.repaired");
        }
        try (Ledger own = Ledger.open(store.ledgerFile())) {
            assertThat(own.events()).extracting(AuditEvent::type).doesNotContain("store.repaired");
        }
    }
}
