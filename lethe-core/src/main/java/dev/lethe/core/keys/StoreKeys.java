package dev.lethe.core.keys;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a store's secret key lives, outside the ledger and the manifest: the file {@code secret.key} in the store
 * (permissions 0600, created by the store's first write), or the environment variable {@value #ENV}, which then
 * takes precedence and no file is written.
 *
 * <p>The file holds the store's key chain, one key per line in hex, oldest first (see {@link IdDigest}); lines
 * starting with '#' are comments. {@code LETHE_STORE_KEY} holds the same keys separated by commas. During a
 * rotation the next chain waits in {@code secret.key.next} ({@link KeyRotation}).
 */
public final class StoreKeys {

    /** The key file in a store's root. */
    public static final String FILE_NAME = "secret.key";

    /** The next key chain while a rotation is under way. */
    public static final String PENDING_FILE_NAME = "secret.key.next";

    /** The environment variable that supplies the key chain instead of the file. */
    public static final String ENV = "LETHE_STORE_KEY";

    /** Owner read and write, nothing for anyone else. */
    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private StoreKeys() {
    }

    /** The key file of {@code store}. */
    public static Path file(Store store) {
        return store.root().resolve(FILE_NAME);
    }

    /** The file of a rotation under way. */
    public static Path pendingFile(Store store) {
        return store.root().resolve(PENDING_FILE_NAME);
    }

    /**
     * The digest that made the digests of {@code store}'s current manifest: plain SHA-256 for a store that has
     * never been keyed, else the key chain (from {@value #ENV}, {@code secret.key} or, mid-rotation,
     * {@code secret.key.next}) whose id the manifest records. A clear {@link StoreException} when that key is missing,
     * unreadable, too widely readable, or another store's.
     */
    public static IdDigest forReading(Store store) {
        return forReading(store, store.readManifest(), System.getenv());
    }

    static IdDigest forReading(Store store, StoreManifest manifest, Map<String, String> env) {
        return forKey(store.root(), manifest.digestKey(), env);
    }

    /**
     * The digest of key {@code keyId} (null: plain SHA-256) from the key file of the store at {@code storeRoot} or {@value #ENV}: for digests
     * that outlive the manifest that named their key (the tombstones a replacement carries over).
     */
    public static IdDigest forKey(Path storeRoot, String keyId) {
        return forKey(storeRoot, keyId, System.getenv());
    }

    private static IdDigest forKey(Path root, String expected, Map<String, String> env) {
        if (expected == null) {
            return IdDigest.PLAIN;
        }
        Optional<IdDigest> fromEnv = fromEnvironment(env);
        if (fromEnv.isPresent()) {
            if (!expected.equals(fromEnv.get().keyId())) {
                throw new StoreException(ENV + " holds key " + fromEnv.get().keyId() + ", but the digests of " + root
                        + " were made with key " + expected + ": set it to this store's key (or unset it to use "
                        + root.resolve(FILE_NAME) + ")");
            }
            return fromEnv.get();
        }
        List<IdDigest> found = new ArrayList<>();
        for (Path f : List.of(root.resolve(FILE_NAME), root.resolve(PENDING_FILE_NAME))) {
            if (Files.exists(f)) {
                IdDigest d = read(f);
                if (expected.equals(d.keyId())) {
                    return d;
                }
                found.add(d);
            }
        }
        if (found.isEmpty()) {
            throw new StoreException(root + " has no key file (" + FILE_NAME + ") and " + ENV
                    + " is not set, but its digests were made with key " + expected
                    + ": restore " + root.resolve(FILE_NAME) + " from a backup of the store, or set " + ENV);
        }
        throw new StoreException(root.resolve(FILE_NAME) + " holds key " + found.get(0).keyId() + ", but the digests of "
                + root + " were made with key " + expected + ": restore this store's own key file");
    }

    /** The key chain {@value #ENV} names, if it is set. */
    static Optional<IdDigest> fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(List.of(value.split(",")), ENV));
    }

    /** Reads a key file, refusing one that others can read. */
    static IdDigest read(Path file) {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        try {
            if (posix != null) {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                if (!PRIVATE.containsAll(perms)) {
                    throw new StoreException(file + " is readable by others (" + PosixFilePermissions.toString(perms)
                            + "): the store's key must be private; run 'chmod 600 " + file + "'");
                }
            }
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (AccessDeniedException e) {
            throw new StoreException(file + " cannot be read (permission denied): run Lethe as the store's owner", e);
        } catch (IOException e) {
            throw new StoreException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static IdDigest parse(List<String> lines, String source) {
        List<byte[]> keys = new ArrayList<>();
        for (String line : lines) {
            String hex = line.strip();
            if (hex.isEmpty() || hex.startsWith("#")) {
                continue;
            }
            byte[] key;
            try {
                key = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new StoreException(source + " is not a Lethe key: key " + (keys.size() + 1)
                        + " is not hexadecimal (expected " + 2 * IdDigest.KEY_BYTES + " hex digits per key)");
            }
            if (key.length < 16) {
                throw new StoreException(source + " is not a Lethe key: key " + (keys.size() + 1) + " has " + key.length
                        + " bytes; a key has at least 16 (" + 2 * IdDigest.KEY_BYTES + " hex digits when Lethe makes it)");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new StoreException(source + " holds no key");
        }
        return new IdDigest(keys);
    }

    /** Writes a key chain atomically to {@code target}, readable and writable by its owner only. */
    static void write(Path target, IdDigest digest) throws IOException {
        StringBuilder text = new StringBuilder("# Lethe store key: keep it secret and back it up with the store.\n"
                + "# Without it the store's tombstones and receipts cannot be checked. Oldest key first.\n");
        digest.hexKeys().forEach(k -> text.append(k).append('\n'));
        // the temporary file AtomicFiles writes is created 0600 (Files.createTempFile), so the key is never readable by others
        AtomicFiles.write(target, text.toString().getBytes(StandardCharsets.UTF_8));
        restrict(target);
    }

    /** Sets 0600 on {@code file} where the file system has POSIX permissions. */
    public static void restrict(Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, PRIVATE);
        }
    }
}
