package dev.lethe.examples;

import dev.lethe.torch.sisa.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's library example is this module's LibraryExample, which compiles and runs: train, forget, predict. */
class LibraryExampleTest {

    @Test
    void theExampleTrainsForgetsExactlyAndPredictsWithTheNewVersion(@TempDir Path dir) throws Exception {
        Object[] result = LibraryExample.run(dir.resolve("store"));
        Receipt receipt = (Receipt) result[0];
        assertThat(receipt.matchedTrainRecords() + receipt.matchedTestRecords()).isEqualTo(2);
        assertThat(receipt.modelVersion()).isEqualTo(2);
        assertThat(receipt.guarantee()).isEqualTo("exact");
        assertThat((Integer) result[1]).isBetween(0, 9);
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path source = root.resolve("src/test/java/dev/lethe/examples/LibraryExample.java");
        Path readme = root.getParent().resolve("README.md");
        List<String> lines = Files.readAllLines(source);
        int begin = indexOf(lines, "// README:begin");
        int end = indexOf(lines, "// README:end");
        // the example's body, unindented as the README shows it
        String body = lines.subList(begin + 1, end).stream().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        assertThat(Files.readString(readme)).contains(body);
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("no " + marker + " in LibraryExample.java; lines: " + Arrays.toString(lines.toArray()));
    }
}
