package dev.lethe.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the statistical tests need to measure their own spread (docs/TESTING.md): the seeds they train
 * with, shifted by {@code -Dlethe.test.seed=N} (0, the default, leaves every seed as written), and a
 * record of each asserted quantity, appended to the file named by {@code -Dlethe.test.measurements}
 * when it is set, with the run's seed shift and instruction-set variables. {@code bench/test-spread.sh}
 * runs the tests over several shifts and instruction sets and summarises that file; the thresholds next
 * to the assertions come from its table.
 */
public final class Spread {

    private static final long SHIFT = Long.getLong("lethe.test.seed", 0L);
    private static final String FILE = System.getProperty("lethe.test.measurements", "");
    private static final List<String> METHODS = Stream.of(System.getProperty("lethe.test.methods", "").split(","))
            .filter(n -> !n.isBlank()).toList();

    private Spread() {
    }

    /**
     * Whether the method tests run {@code method}: every method unless {@code -Dlethe.test.methods=a,b} names some
     * (to measure or try one method with bench/test-spread.sh).
     */
    public static boolean selected(String method) {
        return METHODS.isEmpty() || METHODS.contains(method);
    }

    /** Whether every method runs: no {@code -Dlethe.test.methods} (a test over all of them may then judge them together). */
    public static boolean allSelected() {
        return METHODS.isEmpty();
    }

    /** {@code base} shifted by the run's seed shift (base itself when none is set). */
    public static long seed(long base) {
        return base + 1_000L * SHIFT;
    }

    /** Records {@code value} of the asserted quantity {@code name} (when recording is on) and returns it. */
    public static double measure(String name, double value) {
        if (!FILE.isEmpty()) {
            String line = String.format(Locale.ROOT, "%s\t%s\t%d\t%s\t%.6f%n", env("ATEN_CPU_CAPABILITY"), env("MKL_ENABLE_INSTRUCTIONS"),
                    SHIFT, name, value);
            try {
                Files.writeString(Path.of(FILE), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return value;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? "-" : value;
    }
}
