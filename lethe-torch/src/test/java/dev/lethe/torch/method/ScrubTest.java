package dev.lethe.torch.method;

import ai.djl.ndarray.NDManager;
import dev.lethe.torch.Spread;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code scrub}: the student moves away from the teacher on the forget set and stays with it on the retain set; in
 * class forgetting the min-steps' targets give the forgotten class no probability.
 */
class ScrubTest {

    @Test
    void theStudentLeavesTheTeacherOnTheForgetSetAndStaysWithItOnTheRetainSet() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun withMax = UnlearningRun.run(new Scrub(), Map.of("maxEpochs", "2"), original, ClassForgetting.DATA,
                     ClassForgetting.context(5))) {
            double forget = KlRetainTest.meanKl(original, withMax.model(), ClassForgetting.DATA.forget());
            double retain = KlRetainTest.meanKl(original, withMax.model(), ClassForgetting.DATA.retain());
            assertThat(Spread.measure("scrub retain-KL / forget-KL", retain / forget)).as("retain-set KL against the forget set's")
                    .isLessThan(0.1);
        }
    }

    /**
     * The teacher's targets with the forgotten class taken out: distilling them on the retain set alone (no max-step)
     * already takes the class from its unseen records, which is why the max-steps' own share can no longer be told apart
     * in class forgetting (before the mask, the forget set's KL with max-steps was 1.14–8.46 times that with min-steps
     * only; with it, 0.69–5.3). Measured over seed shifts 0–3 on this CPU's kernels and with SSE4.2 (docs/TESTING.md):
     * the class at 0.000 and the other classes 2.3–3.1 points down with the whole update.
     */
    @Test
    void inClassForgettingTheMinStepsTargetsGiveTheForgottenClassNoProbability() {
        try (ModelHandle original = ClassForgetting.original(); NDManager m = original.manager().newSubManager()) {
            // Given class forgetting, the offsets take the class, and only it, out of the teacher's softmax
            float[] offsets = Scrub.forgottenClassMask(ClassForgetting.DATA, m).toFloatArray();
            for (int c = 0; c < offsets.length; c++) {
                assertThat(offsets[c]).as("class %d", c).isEqualTo(c == ClassForgetting.FORGOTTEN_CLASS ? -1e4f : 0f);
            }
            // and none when the class keeps records in the retain set: the paper's targets
            java.util.function.IntPredicate halfOfTheClassAt = i -> ClassForgetting.TRAIN.label(i) == ClassForgetting.FORGOTTEN_CLASS && i % 2 == 0;
            UnlearningData halfOfTheClass = new UnlearningData(ClassForgetting.TRAIN.filter("half-of-class", halfOfTheClassAt),
                    ClassForgetting.TRAIN.filter("retain", halfOfTheClassAt.negate()), null);
            assertThat(Scrub.forgottenClassMask(halfOfTheClass, m)).isNull();
            // When only min-steps run, with the whole update
            try (UnlearningRun minOnly = UnlearningRun.run(new Scrub(), Map.of("maxEpochs", "0", "updateScale", "1"), original,
                    ClassForgetting.DATA, ClassForgetting.context(5))) {
                // Then the class is gone from its unseen records, and the other classes kept
                double[] before = ClassForgetting.accuracies(original);
                double[] after = ClassForgetting.accuracies(minOnly.model());
                assertThat(Spread.measure("scrub(min-steps only, class) forget-acc", after[0])).isLessThanOrEqualTo(0.05);
                assertThat(Spread.measure("scrub(min-steps only, class) retain-drop", before[1] - after[1])).isLessThanOrEqualTo(0.05);
            }
        }
    }

    @Test
    void maxEpochsCannotExceedEpochs() {
        assertThatThrownBy(() -> MethodOptions.parse(new Scrub(), Map.of("epochs", "2", "maxEpochs", "3")))
                .hasMessageContaining("scrub.maxEpochs");
    }
}
