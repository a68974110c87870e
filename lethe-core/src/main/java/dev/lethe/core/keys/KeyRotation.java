package dev.lethe.core.keys;

import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreLock;
import dev.lethe.core.store.StoreManifest;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keys a store and rotates its key ({@code lethe keys rotate}). The caller holds the store's lock
 * ({@link dev.lethe.core.store.StoreLock}).
 *
 * <p>A rotation appends a key to the chain ({@link IdDigest}) and re-keys every digest the store can still change
 * without the ids: the manifest's tombstones and {@code matched} digests, and the {@code values_digest} of every
 * ledger request. The ledger's events keep the digests they were written with (the hash chain forbids edits); the
 * chained event {@code key.in-force} records, by key id, which key is in force from that event on. Steps, each
 * one idempotent so that a process killed at any point is finished by {@link #resume}:
 * <ol>
 *   <li>write the next chain to {@code secret.key.next} (0600);</li>
 *   <li>one ledger transaction: re-key the requests' digests and append {@code key.in-force} (skipped when the
 *       ledger's newest key event already names the next key);</li>
 *   <li>replace the manifest atomically with re-keyed digests and the next key id (skipped when done);</li>
 *   <li>rename {@code secret.key.next} over {@code secret.key}: the rotation is complete.</li>
 * </ol>
 * A store written before keyed digests (manifest without {@code digestKey}) is keyed by the same steps from the
 * plain digest: its tombstones are SHA-256 digests of ids, which the first key re-keys without the ids.
 */
public final class KeyRotation {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What a rotation did.
     *
     * @param fromKeyId the key in force before (null: the plain digests of a store that had no key)
     * @param toKeyId the key in force now
     * @param tombstones tombstones re-keyed
     * @param requestDigests ledger request digests re-keyed (-1 when the store has no ledger)
     */
    public record Outcome(String fromKeyId, String toKeyId, int tombstones, int requestDigests) {
    }

    private KeyRotation() {
    }

    /**
     * The digest to write with: the store's key, after keying a store that has none (with {@code secret.key}, or
     * {@value StoreKeys#ENV} when set) or finishing a rotation a killed process left. {@code ledger} is the store's
     * ledger, null for a store without one.
     */
    public static IdDigest forWriting(Store store, Ledger ledger) throws IOException {
        return forWriting(store, ledger, System.getenv());
    }

    /**
     * {@link #forWriting} for a caller that does not hold the store's lock (accepting a request): the lock is taken
     * only when the store must first be keyed or a rotation finished.
     */
    public static IdDigest forAccepting(Store store, Ledger ledger) throws IOException {
        if (store.readManifest().digestKey() != null && !pending(store)) {
            return StoreKeys.forReading(store);
        }
        try (StoreLock lock = StoreLock.acquire(store)) {
            return forWriting(store, ledger);
        }
    }

    static IdDigest forWriting(Store store, Ledger ledger, Map<String, String> env) throws IOException {
        Optional<IdDigest> fromEnv = StoreKeys.fromEnvironment(env);
        if (fromEnv.isEmpty()) {
            resume(store, ledger);
        }
        StoreManifest manifest = store.readManifest();
        if (manifest.digestKey() != null) {
            IdDigest digest = StoreKeys.forReading(store, manifest, env);
            if (ledger != null && ledger.digestKeyInForce().isEmpty() && ledger.list(null, 0, 1).isEmpty()) {
                // a fresh ledger beside digests made before it (a replaced store carried its tombstones over):
                // the store's key is in force from here on, so that the audit finds manifest and ledger agreeing
                ledger.rekeyRequests(d -> d, null, digest.keyId());
                store.writeManifest(manifest.withLedgerHead(ledger.head().map(AuditEvent::hash).orElse(null)));
            }
            return digest;
        }
        if (fromEnv.isPresent()) {
            finish(store, ledger, IdDigest.PLAIN, fromEnv.get(), false);
            return fromEnv.get();
        }
        return keyPlainStore(store, ledger).next;
    }

    /**
     * Rotates the key of {@code store} (or keys a store that has none). Refused while {@value StoreKeys#ENV} supplies
     * the key, and while another rotation is unfinished.
     */
    public static Outcome rotate(Store store, Ledger ledger) throws IOException {
        requireFileKeys(System.getenv());
        if (Files.exists(StoreKeys.pendingFile(store))) {
            throw new StoreException("a key rotation of " + store.root() + " is unfinished (" + StoreKeys.PENDING_FILE_NAME
                    + " exists): run 'lethe keys rotate --resume --store " + store.root() + "' first");
        }
        StoreManifest manifest = store.readManifest();
        if (manifest.digestKey() == null) {
            return keyPlainStore(store, ledger).outcome;
        }
        IdDigest current = StoreKeys.forReading(store, manifest, Map.of());
        IdDigest next = current.then(newKey());
        StoreKeys.write(StoreKeys.pendingFile(store), next);
        CrashPoints.reach("key-rotation-after-next-key");
        return finish(store, ledger, current, next, true);
    }

    /** Finishes a rotation a killed process left ({@code secret.key.next} exists); empty when none is pending. */
    public static Optional<Outcome> resume(Store store, Ledger ledger) throws IOException {
        Path pending = StoreKeys.pendingFile(store);
        if (!Files.exists(pending)) {
            return Optional.empty();
        }
        IdDigest next = StoreKeys.read(pending);
        return Optional.of(finish(store, ledger, next.previous(), next, true));
    }

    /** Whether a rotation is unfinished. */
    public static boolean pending(Store store) {
        return Files.exists(StoreKeys.pendingFile(store));
    }

    private record Keyed(IdDigest next, Outcome outcome) {
    }

    private static Keyed keyPlainStore(Store store, Ledger ledger) throws IOException {
        if (Files.exists(StoreKeys.file(store))) {
            throw new StoreException(StoreKeys.file(store) + " exists, but the manifest of " + store.root()
                    + " records no key (its digests are plain SHA-256): the manifest was replaced by one without its key id;"
                    + " restore the manifest, or move the key file away to key the store afresh");
        }
        IdDigest next = IdDigest.PLAIN.then(newKey());
        StoreKeys.write(StoreKeys.pendingFile(store), next);
        CrashPoints.reach("key-rotation-after-next-key");
        return new Keyed(next, finish(store, ledger, IdDigest.PLAIN, next, true));
    }

    private static void requireFileKeys(Map<String, String> env) {
        if (StoreKeys.fromEnvironment(env).isPresent()) {
            throw new StoreException(StoreKeys.ENV + " supplies the key, so Lethe cannot rotate it: append a new key"
                    + " to the variable yourself (comma-separated, oldest first) and run any write, or unset it and use "
                    + StoreKeys.FILE_NAME);
        }
    }

    private static Outcome finish(Store store, Ledger ledger, IdDigest current, IdDigest next, boolean fileBacked)
            throws IOException {
        next.requireExtends(current);
        int requests = -1;
        if (ledger != null) {
            requests = ledger.rekeyRequests(d -> next.rekeyFrom(current, d), current.keyId(), next.keyId());
        }
        CrashPoints.reach("key-rotation-after-ledger");
        StoreManifest manifest = store.readManifest();
        int tombstones = manifest.tombstones() == null ? 0 : manifest.tombstones().size();
        if (!Objects.equals(manifest.digestKey(), next.keyId())) {
            if (!Objects.equals(manifest.digestKey(), current.keyId())) {
                throw new StoreException("the manifest of " + store.root() + " records key " + manifest.digestKey()
                        + ", neither the rotation's old key " + current.keyId() + " nor its new key " + next.keyId()
                        + ": restore the store's key file");
            }
            StoreManifest rekeyed = manifest.rekeyed(d -> next.rekeyFrom(current, d), next.keyId());
            if (ledger != null) {
                rekeyed = rekeyed.withLedgerHead(ledger.head().map(AuditEvent::hash).orElse(null));
            }
            store.writeManifest(rekeyed);
        }
        CrashPoints.reach("key-rotation-after-manifest");
        if (fileBacked) {
            Path pending = StoreKeys.pendingFile(store);
            try {
                Files.move(pending, StoreKeys.file(store), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(pending, StoreKeys.file(store), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new Outcome(current.keyId(), next.keyId(), tombstones, requests);
    }

    private static byte[] newKey() {
        byte[] key = new byte[IdDigest.KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }
}
