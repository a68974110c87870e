package dev.lethe.core.lm.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input fails with a message that says what is wrong, not with a NaN in a published table. */
class MetricInputErrorsTest {

    @Test
    void emptyOrMismatchedInputsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> AnswerProbability.of(new double[0])).hasMessageContaining("at least one answer token");
        assertThatThrownBy(() -> TruthRatio.of(1.0, new double[0])).hasMessageContaining("perturbed");
        assertThatThrownBy(() -> TruthRatio.trueBetter(new double[0])).hasMessageContaining("at least one item");
        assertThatThrownBy(() -> HarmonicMean.of(0.5, -0.1)).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> HarmonicMean.modelUtility(0.5, 0.5)).hasMessageContaining("9 values");
        assertThatThrownBy(() -> MiaAuc.of(new double[0], new double[]{1})).hasMessageContaining("0 forget");
        assertThatThrownBy(() -> MiaAuc.auc(new int[]{0, 2}, new double[]{1, 2})).hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> MiaScores.minKPlusPlus(new double[]{-1}, new double[0], new double[]{1}, 0.4))
                .hasMessageContaining("μ and σ²");
        assertThatThrownBy(() -> Memorization.exactMemorization(new int[]{1}, new int[]{1, 2}))
                .hasMessageContaining("1 labels and 2 predictions");
    }
}
