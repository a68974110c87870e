package dev.lethe.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The code digest tells builds apart, and a jar from the folder it was packed from does not. */
class CodeDigestTest {

    @Test
    void aJarHasTheDigestOfTheFolderItWasPackedFromWhateverItsManifest(@TempDir Path dir) throws IOException {
        Path classes = classes(dir.resolve("classes"), "return 1;");
        Files.createDirectories(classes.resolve("META-INF"));
        Files.writeString(classes.resolve("META-INF/MANIFEST.MF"), "Built-At: today\n");
        Path jar = jar(classes, dir.resolve("a.jar"), "Built-At: tomorrow\n");

        assertThat(CodeDigest.digest(List.of(jar))).isEqualTo(CodeDigest.digest(List.of(classes))).matches("[0-9a-f]{64}");
    }

    @Test
    void oneChangedByteInAClassOrAResourceChangesTheDigest(@TempDir Path dir) throws IOException {
        String before = CodeDigest.digest(List.of(classes(dir.resolve("a"), "return 1;")));

        assertThat(CodeDigest.digest(List.of(classes(dir.resolve("b"), "return 2;")))).isNotEqualTo(before);
        Path moved = classes(dir.resolve("c"), "return 1;");
        Files.move(moved.resolve("dev/lethe/A.class"), moved.resolve("dev/lethe/B.class"));
        assertThat(CodeDigest.digest(List.of(moved))).as("a renamed file").isNotEqualTo(before);
        assertThat(CodeDigest.digest(List.of(classes(dir.resolve("d"), "return 1;")))).as("the same content again").isEqualTo(before);
    }

    @Test
    void theRunningCodeHasOneDigestPerProcess() {
        String digest = CodeDigest.of(LetheVersion.class);

        assertThat(digest).matches("[0-9a-f]{64}").isEqualTo(CodeDigest.of(LetheVersion.class, CodeDigest.class));
        assertThat(CodeDigest.of(String.class)).as("the JDK's classes have no code source").isEqualTo("unknown");
    }

    private static Path classes(Path root, String body) throws IOException {
        Files.createDirectories(root.resolve("dev/lethe/data"));
        Files.writeString(root.resolve("dev/lethe/A.class"), "class A { int f() { " + body + " } }");
        Files.writeString(root.resolve("dev/lethe/data/digits.csv"), "1,2,3\n");
        return root;
    }

    private static Path jar(Path classes, Path jar, String manifest) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
            out.putNextEntry(new JarEntry("META-INF/MANIFEST.MF"));
            out.write(manifest.getBytes(StandardCharsets.UTF_8));
            for (Path p : walk.sorted().toList()) {
                String name = classes.relativize(p).toString();
                if (name.isEmpty() || name.startsWith("META-INF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(Files.isDirectory(p) ? name + "/" : name));
                if (Files.isRegularFile(p)) {
                    out.write(Files.readAllBytes(p));
                }
            }
        }
        return jar;
    }
}
