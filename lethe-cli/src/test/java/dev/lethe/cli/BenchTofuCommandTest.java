package dev.lethe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lethe bench tofu}: bad options are refused with exit 2 before any work, and nothing is written. */
class BenchTofuCommandTest {

    @TempDir
    Path dir;

    @Test
    void badOptionsAreRefusedWithExitTwoBeforeAnyWork() {
        String out = dir.resolve("never").toString();
        String data = dir.toString();
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--split", "forget02", "--methods", "npo", "--out", out),
                "--split must be one of forget01, forget05, forget10");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "npo,npo", "--out", out), "names 'npo' twice");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "retain", "--out", out), "reference row");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "npo", "--epochs", "0", "--out", out), "--epochs must be at least 1");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "npo", "--retain-authors", "0", "--out", out), "--retain-authors");
        assertRefused(Cli.run("bench", "tofu", "--data", dir.resolve("no-such-folder").toString(), "--methods", "npo", "--out", out),
                "is not a folder");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "forget-it", "--out", out), "forget-it");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "npo,random-label", "--out", out),
                "'random-label' does not unlearn a language model");
        assertRefused(Cli.run("bench", "tofu", "--data", data, "--methods", "grad-ascent", "--out", out), "holds no full.json");
        assertThat(Path.of(out)).doesNotExist();
    }

    private static void assertRefused(Cli r, String message) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(message);
    }
}
