package dev.lethe.core.store;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.keys.IdDigest;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a store has forgotten: one digest per forgotten record id (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 4). Every
 * tombstone that is written or checked — SISA forgetting, approximate unlearning, ingest at
 * (re)training, the audit — is the store's keyed digest of the id ({@link IdDigest#ofId}), so that the
 * digest scheme lives in one place and a tombstone cannot be tested against a guessed id without the
 * store's key.
 */
public final class Tombstones {

    private final Set<String> digests;
    private final IdDigest digest;

    private Tombstones(Set<String> digests, IdDigest digest) {
        this.digests = digests;
        this.digest = digest;
    }

    /**
     * The tombstones of a manifest (none for a store that never forgot anything), read with the digest
     * that made them ({@link dev.lethe.core.keys.StoreKeys#forReading}).
     */
    public static Tombstones of(StoreManifest manifest, IdDigest digest) {
        return of(manifest.tombstones(), digest);
    }

    /** Tombstones from their digests (null means none), made by {@code digest}. */
    public static Tombstones of(Collection<String> digests, IdDigest digest) {
        return new Tombstones(digests == null ? Set.of() : Set.copyOf(new HashSet<>(digests)), digest);
    }

    /** The digest a tombstone of {@code recordId} holds in this store. */
    public String digestOf(String recordId) {
        return digest.ofId(recordId);
    }

    /** Whether {@code recordId} was forgotten. */
    public boolean covers(String recordId) {
        return !digests.isEmpty() && digests.contains(digestOf(recordId));
    }

    public int size() {
        return digests.size();
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    /** The digests, sorted, as a manifest lists them. */
    public List<String> sorted() {
        return digests.stream().sorted().toList();
    }

    /** This set with the digests of {@code recordIds} added. */
    public Tombstones with(Collection<String> recordIds) {
        Set<String> all = new HashSet<>(digests);
        recordIds.forEach(id -> all.add(digestOf(id)));
        return new Tombstones(Set.copyOf(all), digest);
    }

    /** {@code records} without the forgotten ones (the same object when none is forgotten). */
    public RecordSet exclude(RecordSet records) {
        if (isEmpty()) {
            return records;
        }
        return records.filter(records.name(), i -> !covers(records.id(i)));
    }

    /**
     * Loaded data without the forgotten records, on both sides. The fingerprint stays the source's: it
     * identifies where the records came from, and the tombstones say what was left out.
     */
    public DatasetRef.Loaded exclude(DatasetRef.Loaded data) {
        if (isEmpty()) {
            return data;
        }
        return new DatasetRef.Loaded(data.ref(), exclude(data.train()), exclude(data.test()), data.fingerprint());
    }
}
