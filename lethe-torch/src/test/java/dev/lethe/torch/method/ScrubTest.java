package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code scrub}: the max-steps push the student away from the teacher on the forget set, while the
 * min-steps keep it close on the retain set.
 */
class ScrubTest {

    @Test
    void maxStepsMoveTheStudentAwayFromTheTeacherOnTheForgetSetOnly() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun minOnly = UnlearningRun.run(new Scrub(), Map.of("maxEpochs", "0"), original, ClassForgetting.DATA,
                     ClassForgetting.context(5));
             UnlearningRun withMax = UnlearningRun.run(new Scrub(), Map.of("maxEpochs", "2"), original, ClassForgetting.DATA,
                     ClassForgetting.context(5))) {
            double forgetMinOnly = KlRetainTest.meanKl(original, minOnly.model(), ClassForgetting.DATA.forget());
            double forgetWithMax = KlRetainTest.meanKl(original, withMax.model(), ClassForgetting.DATA.forget());
            double retainWithMax = KlRetainTest.meanKl(original, withMax.model(), ClassForgetting.DATA.retain());
            assertThat(Spread.measure("scrub forget-KL with max / min only", forgetWithMax / forgetMinOnly))
                    .as("forget-set KL with max-steps vs min-steps only").isGreaterThan(1); // measured 1.14..8.46 (docs/TESTING.md)
            assertThat(Spread.measure("scrub retain-KL / forget-KL", retainWithMax / forgetWithMax)).as("retain-set KL").isLessThan(0.1);
        }
    }

    @Test
    void maxEpochsCannotExceedEpochs() {
        assertThatThrownBy(() -> MethodOptions.parse(new Scrub(), Map.of("epochs", "2", "maxEpochs", "3")))
                .hasMessageContaining("scrub.maxEpochs");
    }
}
