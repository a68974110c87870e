package dev.lethe.torch.eval;

import dev.lethe.torch.eval.mia.AttackFeatures;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The closed-form pieces of the evidence, on values whose answer is known exactly. */
class EvidenceMathsTest {

    @Test
    void jensenShannonIsZeroForEqualOutputsOneBitForDisjointOnesAndKnownInBetween() {
        try (ModelHandle any = ModelHandle.create(Overfit.SPEC, 1)) {
            float[][] p = {{1, 0}, {0.5f, 0.5f}};
            float[][] q = {{0, 1}, {0.5f, 0.5f}};
            // record 1: disjoint supports = 1 bit; record 2: equal = 0; mean 0.5
            assertThat(OutputDivergence.jensenShannon(p, q, any.manager())).isCloseTo(0.5, offset(1e-6));
            assertThat(OutputDivergence.jensenShannon(p, p, any.manager())).isZero();
            // JS([1,0], [½,½]) with m = [¾,¼]: ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2(2)) = 0.311278 bits
            assertThat(OutputDivergence.jensenShannon(new float[][]{{1, 0}}, new float[][]{{0.5f, 0.5f}}, any.manager()))
                    .isCloseTo(0.311278, offset(1e-5));
        }
    }

    @Test
    void weightDistanceIsZeroToACopyAndPositiveToAnotherInitialisation() {
        try (ModelHandle a = ModelHandle.create(Overfit.SPEC, 1); ModelHandle copy = a.copy(); ModelHandle b = ModelHandle.create(Overfit.SPEC, 2)) {
            assertThat(WeightDistance.l2(a, copy)).isZero();
            assertThat(WeightDistance.l2(a, b)).isPositive().isEqualTo(WeightDistance.l2(b, a));
        }
    }

    @Test
    void liraConfidenceIsTheLogOddsOfTheTrueClassAndSortedFeaturesDescend() {
        float[] logits = {2f, 0f, -1f};
        double z = Math.exp(2) + Math.exp(0) + Math.exp(-1);
        double p0 = Math.exp(2) / z;
        assertThat(AttackFeatures.logitConfidence(logits, 0)).isCloseTo(Math.log(p0 / (1 - p0)), offset(1e-9));
        // stays finite where a float softmax would round p_y to 1
        assertThat(AttackFeatures.logitConfidence(new float[]{60f, 0f, 0f}, 0)).isCloseTo(60 - Math.log(2), offset(1e-9));
        float[] sorted = AttackFeatures.sortedLogProbabilities(new float[]{0.1f, 0.7f, 0.2f, 0f});
        assertThat(sorted).containsExactly((float) Math.log(0.7f), (float) Math.log(0.2f), (float) Math.log(0.1f), (float) Math.log(1e-12));
    }
}
