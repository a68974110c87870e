package dev.lethe.torch.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GptThroughputBenchmarkTest {

    @Test
    void aTinyRunReportsEveryFigure() {
        GptThroughputBenchmark.Figures f = GptThroughputBenchmark.run("gpt:32,2,2,64", 2, 24, 1, 2, 2, 12, 1, 0);
        assertThat(f.spec()).isEqualTo("gpt:32,2,2,64");
        assertThat(f.windowTokensPerSecond()).hasSize(2).allMatch(r -> r > 0);
        assertThat(f.trainTokensPerSecond()).isPositive();
        assertThat(f.millisPerStep()).isCloseTo(1000.0 * 2 * 24 / f.trainTokensPerSecond(), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(f.generatedTokensPerSecondCached()).isPositive();
        assertThat(f.generatedTokensPerSecondUncached()).isPositive();
    }
}
