package dev.lethe.core.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class MetricsTest {

    @Test
    void aucIsTheShareOfPositiveNegativePairsInTheRightOrderWithTiesAsHalves() {
        assertThat(RocAuc.of(new double[]{3, 4}, new double[]{1, 2})).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[]{1, 2}, new double[]{3, 4})).isEqualTo(0.0);
        // pairs: (2,1) win, (2,3) lose, (5,1) win, (5,3) win -> 3/4
        assertThat(RocAuc.of(new double[]{2, 5}, new double[]{1, 3})).isEqualTo(0.75);
        assertThat(RocAuc.of(new double[]{1, 1}, new double[]{1, 1})).isEqualTo(0.5);
        assertThatThrownBy(() -> RocAuc.of(new double[]{}, new double[]{1})).hasMessageContaining("at least one");
    }

    @Test
    void confusionMatrixAccuracies() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.addAll(new int[]{0, 0, 1, 1, 2}, new int[]{0, 1, 1, 1, 0});
        assertThat(m.accuracy()).isCloseTo(0.6, offset(1e-12));
        assertThat(m.perClassAccuracy()).containsExactly(0.5, 1.0, 0.0);
        assertThat(m.count(2, 0)).isEqualTo(1);
        assertThat(Stats.median(new double[]{3, 1, 2, 10})).isEqualTo(2.5);
    }
}
