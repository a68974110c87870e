package dev.lethe.core.keys;

import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * The one digest a store keeps of record and subject ids once they are forgotten: tombstones, the
 * {@code matched} digests of the manifest and receipts, and the {@code valuesDigest} of ledger requests.
 *
 * <p>Ids are guessable (customer numbers, e-mail addresses), so a plain SHA-256 of an id would let anyone
 * holding the ledger test whether a given person asked to be forgotten. The digest is therefore keyed with the
 * store's secret ({@link StoreKeys}): {@code d(id) = HMAC_kn(… HMAC_k1(sha256(id)))}, one HMAC-SHA-256 per key of
 * the store's key chain, oldest first. Starting from the plain SHA-256 is what lets a store that predates keys
 * be keyed without its ids (its plain digests are the chain of no keys), and rotating the key re-keys every
 * digest by one more HMAC ({@link #rekeyFrom}) without the ids, which are gone.
 *
 * <p>Callers that need the digest of an id (tombstones, audit) use {@link #ofId}; of a set of ids (a request's
 * values, what a request matched) {@link #ofIds}. Get the store's instance from {@link StoreKeys#forReading}
 * or {@link KeyRotation#forWriting}. Immutable.
 */
public final class IdDigest {

    /** The digest of a store without a key (written before keyed digests existed): plain SHA-256. */
    public static final IdDigest PLAIN = new IdDigest(List.of());

    /** Bytes of a new key. */
    static final int KEY_BYTES = 32;

    private final List<byte[]> keys;

    IdDigest(List<byte[]> keys) {
        List<byte[]> copy = new ArrayList<>();
        keys.forEach(k -> copy.add(k.clone()));
        this.keys = List.copyOf(copy);
    }

    /** The keyed digest (hex) of one id. */
    public String ofId(String id) {
        return chain(DigestUtils.sha256Hex(id), 0);
    }

    /** The keyed digest (hex) of a set of ids: sorted ({@link String#compareTo}), duplicates dropped, joined by '\n'. */
    public String ofIds(Collection<String> ids) {
        return chain(DigestUtils.sha256Hex(String.join("\n", new TreeSet<>(ids))), 0);
    }

    /**
     * A digest that {@code older} made, as this digest would make it: the keys this chain has beyond
     * {@code older}'s are applied to it. {@code older} must be a prefix of this chain (an earlier key of the store).
     */
    public String rekeyFrom(IdDigest older, String digest) {
        requireExtends(older);
        return chain(digest, older.keys.size());
    }

    /** Throws unless {@code older}'s keys are the first keys of this chain. */
    void requireExtends(IdDigest older) {
        boolean prefix = older.keys.size() <= keys.size();
        for (int i = 0; prefix && i < older.keys.size(); i++) {
            prefix = java.util.Arrays.equals(older.keys.get(i), keys.get(i));
        }
        if (!prefix) {
            throw new IllegalArgumentException("key " + keyId() + " does not follow key " + older.keyId()
                    + ": digests cannot be re-keyed from one to the other");
        }
    }

    /**
     * A short public fingerprint of the key chain ({@code k-} and 16 hex digits), never the key: what the manifest and
     * the ledger record to say which key made their digests. {@code null} for {@link #PLAIN}.
     */
    public String keyId() {
        if (keys.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder("lethe-key-id");
        keys.forEach(k -> text.append('\n').append(HexFormat.of().formatHex(k)));
        return "k-" + DigestUtils.sha256Hex(text.toString()).substring(0, 16);
    }

    /** Whether this is the keyless legacy digest. */
    public boolean isPlain() {
        return keys.isEmpty();
    }

    /** This chain with {@code key} appended: what a rotation makes current. */
    IdDigest then(byte[] key) {
        List<byte[]> next = new ArrayList<>(keys);
        next.add(key);
        return new IdDigest(next);
    }

    /** This chain without its newest key (the chain before the rotation that added it). */
    IdDigest previous() {
        if (keys.isEmpty()) {
            throw new IllegalStateException("the plain digest has no previous key");
        }
        return new IdDigest(keys.subList(0, keys.size() - 1));
    }

    /** The keys, oldest first, as hex: the content of the key file. */
    List<String> hexKeys() {
        return keys.stream().map(k -> HexFormat.of().formatHex(k)).toList();
    }

    private String chain(String digest, int fromKey) {
        String out = digest;
        for (int i = fromKey; i < keys.size(); i++) {
            out = new HmacUtils(HmacAlgorithms.HMAC_SHA_256, keys.get(i)).hmacHex(out);
        }
        return out;
    }

    @Override
    public String toString() {
        return isPlain() ? "IdDigest[plain sha-256]" : "IdDigest[" + keyId() + "]"; // never the key
    }
}
