package dev.lethe.core.keys;

import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.SisaModelVersion;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.TrainingSettings;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed digests of forgotten ids (issue 12.3) on real store folders and real SQLite ledgers: the key file, the
 * digests it makes, keying a store written before keys, rotation, and the errors of a missing or exposed key.
 */
class StoreKeysTest {

    private static final String ID = "subject-7";

    @TempDir
    Path dir;

    /** A store whose manifest records {@code tombstones} and one version that matched {@code matchedDigest}, without a key. */
    static Store plainStore(Path root, List<String> tombstones, String matchedDigest) throws IOException {
        Store store = Store.create(root);
        String now = Instant.now().toString();
        StoreManifest.ModelVersion v1 = new SingleModelVersion(1, "models/model-v1.lethe-model", "0".repeat(64), now, Map.of());
        StoreManifest.ModelVersion v2 = new SisaModelVersion(2, now, Map.of(), List.of(), List.of(),
                List.of("req-1"), List.of(), Map.of("req-1", new StoreManifest.Match(1, 0, matchedDigest, List.of(0))));
        store.writeManifest(new StoreManifest(Store.SCHEMA_VERSION, now, Map.of(), null, null,
                new TrainingSettings(1, 1, "adam", 0f, 0f, 0f, 1L, 1, "cpu()"), 2, List.of(v1, v2),
                null, null, tombstones, null, null, null));
        return store;
    }

    private static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aStoresFirstWriteMakesAPrivateKeyWhoseDigestsAreNotPlainSha256() throws Exception {
        // Given a store without a key
        Store store = plainStore(dir.resolve("s"), List.of(), DigestUtils.sha256Hex(ID));
        // When its first write asks for the digest
        IdDigest digest = KeyRotation.forWriting(store, null, Map.of());
        // Then a key file exists, readable by its owner only, and the digest is keyed
        Path key = StoreKeys.file(store);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(digest.ofId(ID)).hasSize(64).isNotEqualTo(DigestUtils.sha256Hex(ID));
        assertThat(digest.ofIds(List.of(ID))).isEqualTo(digest.ofId(ID));
        assertThat(store.readManifest().digestKey()).isEqualTo(digest.keyId()).startsWith("k-");
        // and the manifest names the key by its fingerprint, never the key itself
        String hexKey = digest.hexKeys().get(0);
        assertThat(text(store.manifestFile())).doesNotContain(hexKey);
        assertThat(digest.toString()).doesNotContain(hexKey);
        // and reading finds the same key again
        assertThat(StoreKeys.forReading(store).ofId(ID)).isEqualTo(digest.ofId(ID));
    }

    @Test
    void theSameIdInTwoStoresHasDifferentDigests() throws Exception {
        IdDigest a = KeyRotation.forWriting(plainStore(dir.resolve("a"), List.of(), "x"), null, Map.of());
        IdDigest b = KeyRotation.forWriting(plainStore(dir.resolve("b"), List.of(), "x"), null, Map.of());
        assertThat(a.ofId(ID)).isNotEqualTo(b.ofId(ID));
        assertThat(a.keyId()).isNotEqualTo(b.keyId());
    }

    @Test
    void aStoreWithPlainDigestsIsKeyedWithoutItsIdsAndItsLedgerRecordsTheKey() throws Exception {
        // Given a store written before keys: plain SHA-256 tombstones, matched digest and request digest
        Store store = plainStore(dir.resolve("s"), List.of(DigestUtils.sha256Hex(ID)), DigestUtils.sha256Hex(ID));
        String requestId;
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            requestId = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(ID), null, null), "t").id();
            assertThat(ledger.find(requestId).orElseThrow().valuesDigest()).isEqualTo(DigestUtils.sha256Hex(ID));
            // When its first write keys it
            IdDigest digest = KeyRotation.forWriting(store, ledger, Map.of());
            // Then every digest the store can change is the keyed digest of the same id
            StoreManifest m = store.readManifest();
            assertThat(m.tombstones()).containsExactly(digest.ofId(ID));
            assertThat(((SisaModelVersion) m.models().get(1)).matched().get("req-1").digest()).isEqualTo(digest.ofIds(List.of(ID)));
            assertThat(ledger.find(requestId).orElseThrow().valuesDigest()).isEqualTo(digest.ofIds(List.of(ID)));
            assertThat(text(store.manifestFile())).doesNotContain(DigestUtils.sha256Hex(ID));
            // and the chained event names the key in force, and the chain stays intact
            assertThat(ledger.digestKeyInForce()).contains(digest.keyId());
            AuditEvent keyEvent = ledger.events().get(ledger.events().size() - 1);
            assertThat(keyEvent.type()).isEqualTo(Ledger.KEY_EVENT);
            assertThat(keyEvent.payload()).contains(digest.keyId()).doesNotContain(digest.hexKeys().get(0));
            assertThat(ledger.verifyChain().intact()).isTrue();
            assertThat(m.ledgerHead()).isEqualTo(keyEvent.hash());
        }
    }

    @Test
    void rotationRekeysTombstonesAndRequestsButKeepsPastEventsAndTheChain() throws Exception {
        Store store = plainStore(dir.resolve("s"), List.of(), "x");
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            IdDigest first = KeyRotation.forWriting(store, ledger, Map.of());
            ForgetRequest r = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(ID), null, null), "t", first);
            store.writeManifest(store.readManifest().withNewVersion(store.readManifest().current(), null, List.of(first.ofId(ID))));
            String acceptedPayload = ledger.events().stream().filter(e -> "request.accepted".equals(e.type())).findFirst()
                    .orElseThrow().payload();
            assertThat(acceptedPayload).contains(first.ofIds(List.of(ID))).contains("\"digestKey\":\"" + first.keyId() + "\"");
            // When the key is rotated
            KeyRotation.Outcome o = KeyRotation.rotate(store, ledger);
            IdDigest second = StoreKeys.forReading(store);
            // Then the manifest and requests hold digests under the new key, which the old key cannot make
            assertThat(o.fromKeyId()).isEqualTo(first.keyId());
            assertThat(o.toKeyId()).isEqualTo(second.keyId()).isNotEqualTo(first.keyId());
            assertThat(o.tombstones()).isEqualTo(1);
            assertThat(o.requestDigests()).isEqualTo(1);
            assertThat(store.readManifest().tombstones()).containsExactly(second.ofId(ID));
            assertThat(second.ofId(ID)).isNotEqualTo(first.ofId(ID));
            assertThat(ledger.find(r.id()).orElseThrow().valuesDigest()).isEqualTo(second.ofIds(List.of(ID)));
            // and a repeated submission with the same idempotency key still matches its original after rotation
            ForgetRequest keyed = ledger.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-9"), null, "idem"), "t", second);
            assertThat(ledger.submit(new RequestSpec(ForgetKind.SUBJECTS, List.of("s-9"), null, "idem"), "t", second).created()).isFalse();
            assertThat(keyed.valuesDigest()).isEqualTo(second.ofIds(List.of("s-9")));
            // and past events are untouched: the chain is intact and names both keys in order
            assertThat(ledger.verifyChain().intact()).isTrue();
            assertThat(ledger.events().stream().filter(e -> "request.accepted".equals(e.type())).findFirst().orElseThrow().payload())
                    .isEqualTo(acceptedPayload);
            assertThat(ledger.digestKeyInForce()).contains(second.keyId());
            assertThat(KeyRotation.pending(store)).isFalse();
        }
    }

    @Test
    void aRotationKilledAfterAnyStepIsFinishedByResume() throws Exception {
        // Given a rotation interrupted after its ledger step (the next key waits in secret.key.next)
        Store store = plainStore(dir.resolve("s"), List.of(), "x");
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            IdDigest first = KeyRotation.forWriting(store, ledger, Map.of());
            store.writeManifest(store.readManifest().withNewVersion(store.readManifest().current(), null, List.of(first.ofId(ID))));
            IdDigest next = first.then(new byte[32]);
            StoreKeys.write(StoreKeys.pendingFile(store), next);
            ledger.rekeyRequests(d -> next.rekeyFrom(first, d), first.keyId(), next.keyId());
            // Then the manifest still reads with the old key, the write path refuses nothing, and resume completes
            assertThat(KeyRotation.pending(store)).isTrue();
            assertThat(StoreKeys.forReading(store).keyId()).isEqualTo(first.keyId());
            KeyRotation.Outcome o = KeyRotation.resume(store, ledger).orElseThrow();
            assertThat(o.toKeyId()).isEqualTo(next.keyId());
            assertThat(o.requestDigests()).isZero(); // the ledger step was not applied twice
            assertThat(store.readManifest().tombstones()).containsExactly(next.ofId(ID));
            assertThat(StoreKeys.forReading(store).keyId()).isEqualTo(next.keyId());
            assertThat(KeyRotation.pending(store)).isFalse();
            assertThat(KeyRotation.resume(store, ledger)).isEmpty();
        }
    }

    @Test
    void aMissingExposedOrForeignKeyIsAClearError() throws Exception {
        Store store = plainStore(dir.resolve("s"), List.of(), "x");
        KeyRotation.forWriting(store, null, Map.of());
        Path key = StoreKeys.file(store);
        // readable by others
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> StoreKeys.forReading(store)).isInstanceOf(StoreException.class)
                .hasMessageContaining("readable by others").hasMessageContaining("chmod 600");
        // not a key
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        byte[] good = Files.readAllBytes(key);
        Files.writeString(key, "not hex at all\n");
        assertThatThrownBy(() -> StoreKeys.forReading(store)).isInstanceOf(StoreException.class).hasMessageContaining("not hexadecimal");
        // another store's key
        Store other = plainStore(dir.resolve("o"), List.of(), "x");
        KeyRotation.forWriting(other, null, Map.of());
        Files.copy(StoreKeys.file(other), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> StoreKeys.forReading(store)).isInstanceOf(StoreException.class)
                .hasMessageContaining("restore this store's own key file");
        // missing
        Files.delete(key);
        assertThatThrownBy(() -> StoreKeys.forReading(store)).isInstanceOf(StoreException.class)
                .hasMessageContaining("has no key file").hasMessageContaining(StoreKeys.ENV);
        assertThatThrownBy(() -> KeyRotation.forWriting(store, null, Map.of())).isInstanceOf(StoreException.class)
                .hasMessageContaining("has no key file");
        // restored, it works again
        Files.write(key, good);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(StoreKeys.forReading(store).keyId()).isEqualTo(store.readManifest().digestKey());
    }

    @Test
    void theEnvironmentCanSupplyTheKeyInsteadOfAFile() throws Exception {
        Store store = plainStore(dir.resolve("s"), List.of(DigestUtils.sha256Hex(ID)), "x");
        Map<String, String> env = Map.of(StoreKeys.ENV, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        IdDigest digest = KeyRotation.forWriting(store, null, env);
        assertThat(Files.exists(StoreKeys.file(store))).isFalse();
        assertThat(store.readManifest().tombstones()).containsExactly(digest.ofId(ID));
        assertThat(StoreKeys.forReading(store, store.readManifest(), env).keyId()).isEqualTo(digest.keyId());
        assertThatThrownBy(() -> StoreKeys.forReading(store, store.readManifest(),
                Map.of(StoreKeys.ENV, "ffffffffffffffffffffffffffffffff")))
                .isInstanceOf(StoreException.class).hasMessageContaining(StoreKeys.ENV + " holds key");
        assertThatThrownBy(() -> StoreKeys.forReading(store, store.readManifest(), Map.of(StoreKeys.ENV, "abcd")))
                .isInstanceOf(StoreException.class).hasMessageContaining("at least 16");
    }

    @Test
    void aCopyOfAStoreTakesItsPrivateKey() throws Exception {
        Store store = plainStore(dir.resolve("s"), List.of(), "x");
        IdDigest digest = KeyRotation.forWriting(store, null, Map.of());
        Store copy = store.copyTo(dir.resolve("copy"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(StoreKeys.file(copy)))).isEqualTo("rw-------");
        assertThat(StoreKeys.forReading(copy).ofId(ID)).isEqualTo(digest.ofId(ID));
    }
}
