package dev.lethe.core.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the new, never a half-written file:
 * write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
 * This is the "one atomic step" of docs/ARCHITECTURE.md#the-store-and-its-invariants by which a new model version becomes current.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** What writes the content. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code target} atomically with what {@code writer} writes. */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        PrivateFiles.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces {@code target} atomically with what {@code writer} writes and returns the SHA-256 of
     * the bytes written (hex), computed on the way out so the file is never read back.
     */
    public static String writeWithSha256(Path target, Writer writer) throws IOException {
        java.security.MessageDigest md = org.apache.commons.codec.digest.DigestUtils.getSha256Digest();
        write(target, out -> {
            java.security.DigestOutputStream digesting = new java.security.DigestOutputStream(out, md);
            writer.writeTo(digesting);
            digesting.flush();
        });
        return org.apache.commons.codec.binary.Hex.encodeHexString(md.digest());
    }

    /** Replaces {@code target} atomically with the given bytes. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Makes a folder's entries (a rename, a deletion) durable, where the platform allows it. */
    public static void fsyncDirectory(Path dir) {
        // Makes the rename durable on Linux; some platforms cannot open a directory, which is harmless.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort: the file itself is already durable
        }
    }
}
