package dev.lethe.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A SHA-256 over the compiled code (classes and resources) that a result came from: what tells two builds apart when the
 * version does not ({@code 0.1.0-SNAPSHOT} names every build of a branch).
 *
 * <p>Why: a resumable run folder reuses the results an earlier process wrote, and results of two builds of the methods
 * must not be mixed in one table. The digest covers the code sources (a module's jar, or its {@code target/classes}
 * folder) of the classes given, and within each every file but {@code META-INF/} (the jar's manifest and Maven's
 * properties change with the packaging, not with the code). Each file enters as its path, its length and its bytes, in
 * path order, so a jar and the folder it was packed from have the same digest, and so do two builds of the same sources
 * (javac's output is deterministic). Computed once per set of code sources in a process.
 */
public final class CodeDigest {

    private static final Map<List<Path>, String> CACHE = new ConcurrentHashMap<>();

    private CodeDigest() {
    }

    /** The digest, in hex, of the code sources that hold {@code classes}; "unknown" when a source cannot be read. */
    public static String of(Class<?>... classes) {
        Set<Path> sources = new LinkedHashSet<>();
        for (Class<?> c : classes) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null) {
                return "unknown";
            }
            try {
                sources.add(Path.of(source.getLocation().toURI()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return "unknown";
            }
        }
        return CACHE.computeIfAbsent(List.copyOf(sources), CodeDigest::digest);
    }

    /** The digest of {@code sources}, each a jar or a folder of classes, in the order given. */
    static String digest(List<Path> sources) {
        MessageDigest sha = sha256();
        for (Path source : sources) {
            try {
                SortedMap<String, byte[]> files = Files.isDirectory(source) ? folder(source) : jar(source);
                files.forEach((name, bytes) -> {
                    sha.update(name.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
                    sha.update(bytes);
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the code at " + source + " to digest it: " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static SortedMap<String, byte[]> folder(Path dir) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (!name.startsWith("META-INF/")) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static SortedMap<String, byte[]> jar(Path file) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (JarFile jar = new JarFile(file.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (!entry.isDirectory() && !entry.getName().startsWith("META-INF/")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
