package dev.lethe.torch.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LearningRateScheduleTest {

    @Test
    void warmUpRisesLinearlyFromAPeakTwentiethThenTheCosineFallsToTheFloor() {
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(3e-3f, 100, 1100, 3e-4f);
        assertThat(schedule.rate(0)).isCloseTo(1.5e-4f, within(1e-9f));
        assertThat(schedule.rate(50)).isCloseTo(1.5e-4f + 0.5f * (3e-3f - 1.5e-4f), within(1e-9f));
        assertThat(schedule.rate(100)).isCloseTo(3e-3f, within(1e-9f));
        // half-way through the decay the cosine is at the mid-point of peak and floor
        assertThat(schedule.rate(600)).isCloseTo(1.65e-3f, within(1e-9f));
        assertThat(schedule.rate(350)).isCloseTo((float) (3e-4 + 2.7e-3 * (1 + Math.cos(Math.PI / 4)) / 2), within(1e-9f));
        assertThat(schedule.rate(1100)).isCloseTo(3e-4f, within(1e-9f));
        assertThat(schedule.rate(5000)).isCloseTo(3e-4f, within(1e-9f));
        assertThat(LearningRateSchedule.constant(0.1f).rate(12345)).isEqualTo(0.1f);
    }

    @Test
    void badSchedulesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> LearningRateSchedule.warmupCosine(1e-3f, 10, 5, 0f)).hasMessageContaining("warm-up steps");
        assertThatThrownBy(() -> LearningRateSchedule.warmupCosine(1e-3f, 10, 50, 1e-2f)).hasMessageContaining("floor");
        assertThatThrownBy(() -> LearningRateSchedule.constant(0f)).hasMessageContaining("positive");
    }
}
