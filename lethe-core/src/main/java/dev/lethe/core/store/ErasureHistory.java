package dev.lethe.core.store;

import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.Ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an existing store has forgotten, read before {@code lethe train} replaces it (docs/ARCHITECTURE.md#the-store-and-its-invariants,
 * invariant 4). A store with erasure history is replaced only when asked to ({@code --replace}), and
 * even then its tombstones carry over into the new store and are applied to the source data at
 * ingest, so a forgotten record never comes back.
 *
 * @param requests forget requests in the store's ledger (SISA), all states
 * @param pending those of them not yet done
 * @param modelVersions model versions the manifest lists
 * @param tombstones the forgotten records' digests
 * @param digestKey the id of the store key that made them (null: plain SHA-256 digests of a store from before keyed
 *                  digests); the replacement keeps the key file, so the new store reads them with the same key
 */
public record ErasureHistory(int requests, int pending, int modelVersions, Tombstones tombstones, String digestKey) {

    private static final ErasureHistory NONE = new ErasureHistory(0, 0, 0, Tombstones.of(List.of(), IdDigest.PLAIN), null);

    /** The history of the store at {@code root}; none when there is no store there (yet). */
    public static ErasureHistory read(Path root) throws IOException {
        if (!Files.isRegularFile(root.resolve("manifest.json"))) {
            // an interrupted replacement: only the tombstones it was carrying are left, and they still count
            Store.Carried carried = Store.tombstonesBeingCarried(root);
            return carried.tombstones().isEmpty() ? NONE : new ErasureHistory(0, 0, 0,
                    Tombstones.of(carried.tombstones(), StoreKeys.forKey(root, carried.digestKey())), carried.digestKey());
        }
        Store store = Store.open(root);
        StoreManifest manifest = store.readManifest();
        int requests = 0;
        int pending = 0;
        if (Files.isRegularFile(store.ledgerFile())) {
            try (Ledger ledger = Ledger.open(store.ledgerFile())) {
                for (int offset = 0; ; offset += 1000) {
                    List<ForgetRequest> page = ledger.list(null, offset, 1000);
                    requests += page.size();
                    if (page.size() < 1000) {
                        break;
                    }
                }
                pending = ledger.pending().size();
            }
        }
        return new ErasureHistory(requests, pending, store.history().size(),
                Tombstones.of(manifest, StoreKeys.forReading(store)), manifest.digestKey());
    }

    /** Whether the store has forgotten anything, or has been asked to. */
    public boolean isEmpty() {
        return requests == 0 && tombstones.isEmpty();
    }

    /**
     * Refuses to replace {@code root} when it has erasure history and {@code replace} is false, naming
     * what would be lost; refuses always while requests are pending, since replacing would drop them
     * before they were applied.
     */
    public void checkReplace(Path root, boolean replace) {
        if (pending > 0) {
            throw new StoreException(root + " has " + pending + " forget request(s) not yet done; finish them with 'lethe forget --store "
                    + root + " --resume' before replacing the store");
        }
        if (!isEmpty() && !replace) {
            throw new StoreException(root + " has erasure history: " + describe() + ". Training again would replace it; pass --replace to"
                    + " do so (the ledger, its receipts and every model version are deleted; the tombstones carry over, so the"
                    + " forgotten records stay out of the new training), or choose another --store");
        }
    }

    /** What replacing the store loses, in words. */
    public String describe() {
        return requests + " forget request(s) with their receipts, " + tombstones.size() + " tombstone(s), " + modelVersions
                + " model version(s)";
    }
}
