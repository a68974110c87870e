package dev.lethe.core.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A store holds personal data (records, a ledger with request reasons): its folders are created 0700 and its files
 * 0600, so other local users can read none of it, and a ledger that other users can read is refused. On file
 * systems without POSIX permissions these are no-ops.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** {@link Files#createDirectories}, with every folder it creates 0700. */
    public static void createDirectories(Path dir) throws IOException {
        if (posix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Creates an empty 0600 file when {@code file} does not exist yet (SQLite then uses the same mode for -wal/-shm). */
    public static void createFileIfAbsent(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        createDirectories(file.toAbsolutePath().getParent());
        try {
            if (posix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it first
        }
    }

    /**
     * Refuses a file (or folder) that users other than its owner may access: the message names the mode and the
     * command that fixes it. Absent files pass.
     */
    public static void requirePrivate(Path path) throws IOException {
        if (!Files.exists(path) || !posix(path)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        Set<PosixFilePermission> open = EnumSet.copyOf(OTHERS);
        open.retainAll(perms);
        if (!open.isEmpty()) {
            String mode = PosixFilePermissions.toString(perms);
            throw new StoreException(path + " can be accessed by other users (" + mode + "); it holds personal data."
                    + " Run: chmod " + (Files.isDirectory(path) ? "700" : "600") + " '" + path + "'");
        }
    }

    private static boolean posix(Path p) {
        Path existing = p.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }
}
