package dev.lethe.spark;

import org.apache.commons.codec.digest.DigestUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;

/**
 * Files of a store reached through a Hadoop {@link FileSystem}, so that a Spark task reads and writes the same store
 * on a local disk ({@code file://}), a shared mount or HDFS. On {@code file://} the raw local file system is used:
 * Hadoop's checksummed one would leave {@code .crc} files beside every checkpoint, which a store does not hold.
 * Written files are 0600 and folders 0700, as the store's own ({@code PrivateFiles}).
 */
final class HadoopFiles {

    private static final FsPermission FILE = new FsPermission((short) 0600);
    private static final FsPermission FOLDER = new FsPermission((short) 0700);

    private final FileSystem fs;
    private final Path root;

    private HadoopFiles(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /** The files under {@code rootUri} (a folder). */
    static HadoopFiles at(String rootUri) throws IOException {
        URI uri = URI.create(rootUri.endsWith("/") ? rootUri : rootUri + "/");
        FileSystem fs = FileSystem.get(uri, new Configuration());
        if (fs instanceof LocalFileSystem local) {
            fs = local.getRawFileSystem();
        }
        return new HadoopFiles(fs, new Path(uri));
    }

    FileSystem fileSystem() {
        return fs;
    }

    /** The file at {@code relative} ('/'-separated) under the root. */
    Path path(String relative) {
        return new Path(root, relative);
    }

    /** The root this reaches, as a URI string. */
    String uri() {
        return root.toUri().toString();
    }

    boolean isFile(String relative) throws IOException {
        return fs.isFile(path(relative));
    }

    InputStream open(String relative) throws IOException {
        return fs.open(path(relative), 1 << 16);
    }

    byte[] readAllBytes(String relative) throws IOException {
        try (InputStream in = open(relative)) {
            return in.readAllBytes();
        }
    }

    String sha256(String relative) throws IOException {
        try (InputStream in = open(relative)) {
            return DigestUtils.sha256Hex(in);
        }
    }

    /**
     * Puts {@code bytes} at {@code relative} so that a reader sees the old file or the new one: written under a temporary
     * name in the same folder, then renamed. A file already there with the same SHA-256 is kept (a retried or speculative
     * task writing the same content-addressed checkpoint again changes nothing).
     */
    void writeAtomically(String relative, byte[] bytes, String sha256) throws IOException {
        Path target = path(relative);
        if (fs.isFile(target) && sha256.equals(sha256(relative))) {
            return;
        }
        Path dir = target.getParent();
        if (!fs.exists(dir) && !fs.mkdirs(dir, FOLDER) && !fs.isDirectory(dir)) {
            throw new IOException("cannot create the folder " + dir + ": check that it is writable by the user the Spark executors run as");
        }
        Path tmp = new Path(dir, "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(tmp, FILE, false, 1 << 16, fs.getDefaultReplication(tmp), fs.getDefaultBlockSize(tmp), null)) {
                out.write(bytes);
                out.hsync();
            }
            if (fs.exists(target)) {
                fs.delete(target, false); // an untrusted leftover with other bytes (a killed run's): replaced
            }
            if (!fs.rename(tmp, target) && !(fs.isFile(target) && sha256.equals(sha256(relative)))) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            fs.delete(tmp, false);
        }
    }

    void delete(String relative) throws IOException {
        fs.delete(path(relative), false);
    }
}
