package dev.lethe.core.store;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import org.apache.commons.codec.digest.DigestUtils;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a store has forgotten: one digest per forgotten record id (DESIGN.md §2, invariant 4). Every
 * tombstone that is written or checked — SISA forgetting, approximate unlearning, ingest at
 * (re)training, the audit — goes through {@link #digest}, so that the digest scheme lives in one place.
 */
public final class Tombstones {

    private static final Tombstones NONE = new Tombstones(Set.of());

    private final Set<String> digests;

    private Tombstones(Set<String> digests) {
        this.digests = digests;
    }

    /** The digest a tombstone holds for {@code recordId}; the only place that computes it. */
    public static String digest(String recordId) {
        return DigestUtils.sha256Hex(recordId);
    }

    /**
     * The digest a receipt records for a set of matched record ids (order does not matter), which
     * proves what was matched without naming anyone.
     */
    public static String digestOfSet(Collection<String> recordIds) {
        return DigestUtils.sha256Hex(String.join("\n", new java.util.TreeSet<>(recordIds)));
    }

    /** The tombstones of a manifest (none for a store that never forgot anything). */
    public static Tombstones of(StoreManifest manifest) {
        return of(manifest.tombstones());
    }

    /** Tombstones from their digests; null means none. */
    public static Tombstones of(Collection<String> digests) {
        return digests == null || digests.isEmpty() ? NONE : new Tombstones(Set.copyOf(new HashSet<>(digests)));
    }

    /** Whether {@code recordId} was forgotten. */
    public boolean covers(String recordId) {
        return !digests.isEmpty() && digests.contains(digest(recordId));
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
        recordIds.forEach(id -> all.add(digest(id)));
        return new Tombstones(Set.copyOf(all));
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
