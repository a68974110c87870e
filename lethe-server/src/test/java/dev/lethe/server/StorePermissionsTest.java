package dev.lethe.server;

import dev.lethe.core.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only the owner can read a store: folders 0700, files (the ledger and its -wal/-shm included) 0600. */
class StorePermissionsTest {

    @Test
    void theLedgerItsLogAndTheStoreFoldersArePrivateAndAReadableLedgerIsRefused(@TempDir Path dir) throws Exception {
        // Store.copyTo creates the folders the way every store writer does
        Path store = dev.lethe.core.store.Store.open(TestStores.copy(dir.resolve("template"))).copyTo(dir.resolve("store")).root();
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(store, "127.0.0.1", 0)
                .withBatchWindow(Duration.ofMillis(50)))) {
            String id = s.admin().post("/v1/forget-requests",
                    "{\"subjectIds\": [\"subject-4\"], \"reason\": \"Jane Doe <jane@example.org>\"}").json().path("id").asText();
            assertThat(s.admin().awaitFinished(id, 60).path("status").asText()).isEqualTo("done");
            for (String file : new String[]{"ledger.db", "ledger.db-wal", "ledger.db-shm", "manifest.json"}) {
                if (Files.exists(store.resolve(file))) {
                    assertThat(mode(store.resolve(file))).as(file).isEqualTo("rw-------");
                }
            }
            assertThat(Files.exists(store.resolve("ledger.db-wal"))).isTrue();
            try (var walk = Files.walk(store)) {
                walk.filter(Files::isDirectory).forEach(d -> assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------"));
            }
        }

        Files.setPosixFilePermissions(store.resolve("ledger.db"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LetheServer.start(ServerConfig.defaults(store, "127.0.0.1", 0)))
                .isInstanceOf(StoreException.class).hasMessageContaining("other users").hasMessageContaining("chmod 600");
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
