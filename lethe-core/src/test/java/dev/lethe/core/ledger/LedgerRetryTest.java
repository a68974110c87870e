package dev.lethe.core.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch retried after a failure writes its running event once. */
class LedgerRetryTest {

    @Test
    void markingABatchRunningAgainAddsNoSecondEventButANewBatchDoes(@TempDir Path dir) {
        try (Ledger ledger = Ledger.open(dir.resolve("ledger.db"))) {
            String id = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1"), null, null), "alice").id();
            ledger.markRunning(List.of(id), "batch-v2");
            ledger.markRunning(List.of(id), "batch-v2");
            ledger.markRunning(List.of(id), "batch-v2");
            assertThat(ledger.events().stream().filter(e -> e.type().equals("request.running")).count()).isEqualTo(1);
            ledger.markRunning(List.of(id), "batch-v3"); // a restarted worker's new batch is recorded
            assertThat(ledger.events().stream().filter(e -> e.type().equals("request.running")).count()).isEqualTo(2);
            assertThat(ledger.verifyChain().intact()).isTrue();
        }
    }
}
