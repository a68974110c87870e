package dev.lethe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lethe bench scenario}: bad options refused before any work; a small sequential run end to end, then resumed. */
class BenchScenarioCommandTest {

    @TempDir
    Path dir;

    @Test
    void badOptionsAreRefusedWithExitTwoBeforeAnyWork() {
        String out = dir.resolve("never").toString();
        assertRefused(Cli.run("bench", "scenario", "--scenario", "everything", "--out", out), "unknown scenario 'everything'");
        assertRefused(Cli.run("bench", "scenario", "--scenario", "random", "--methods", "forget-it", "--out", out), "unknown method 'forget-it'");
        assertRefused(Cli.run("bench", "scenario", "--scenario", "random", "--forget-fraction", "1.5", "--out", out), "--forget-fraction");
        assertRefused(Cli.run("bench", "scenario", "--scenario", "backdoor", "--poison-fraction", "0", "--out", out), "--poison-fraction");
        assertRefused(Cli.run("bench", "scenario", "--scenario", "random", "--sisa", "5", "--out", out), "--sisa takes shards x slices");
        assertRefused(Cli.run("bench", "scenario", "--scenario", "random", "--seeds", "0", "--out", out), "--seeds must be at least 1");
        assertThat(Path.of(out)).doesNotExist();
    }

    @Test
    void aSequentialRunReportsEachRequestAndAResumeComputesNothing() throws Exception {
        // Given a run folder
        String out = dir.resolve("run").toString();
        String[] args = {"bench", "scenario", "--scenario", "sequential", "--steps", "2", "--forget-fraction", "0.1", "--methods", "grad-diff",
                "--seeds", "1", "--epochs", "6", "--model", "mlp:64", "--batch-size", "64", "--lr", "0.002", "--out", out};

        // When the run goes through, and again
        Cli first = Cli.run(args);
        Cli second = Cli.run(args);

        // Then each request has its row, the plots exist, and the second run reuses everything
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("3 result(s) computed, 0 reused").contains("| grad-diff | 2 |").contains("report.html");
        assertThat(Path.of(out, "steps.csv")).exists();
        assertThat(Path.of(out, "plots", "drift.png")).exists();
        assertThat(Path.of(out, "plots", "cost.png")).exists();
        assertThat(Files.readString(Path.of(out, "report.html"))).contains("After each request");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("0 result(s) computed, 3 reused");
    }

    private static void assertRefused(Cli r, String message) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(message);
    }
}
