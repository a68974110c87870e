package dev.lethe.torch.method;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PruneFinetuneTest {

    @Test
    void theSmallestWeightsArePrunedGloballyAndStayExactlyZeroThroughFineTuning() {
        // Given the trained digits MLP
        try (ModelHandle original = ClassForgetting.original();
             // When 60 % of its weight entries are pruned and it is fine-tuned for 2 epochs
             UnlearningRun run = UnlearningRun.run(new PruneFinetune(), Map.of("ratio", "0.6", "epochs", "2"), original,
                     ClassForgetting.DATA, ClassForgetting.context(3))) {
            List<Pair<String, Parameter>> before = original.parameters();
            List<Pair<String, Parameter>> after = run.model().parameters();
            int total = 0;
            int zeros = 0;
            int biasesZeroed = 0;
            float largestPruned = 0;
            float smallestKept = Float.MAX_VALUE;
            for (int i = 0; i < before.size(); i++) {
                float[] w0 = before.get(i).getValue().getArray().toFloatArray();
                float[] w1 = after.get(i).getValue().getArray().toFloatArray();
                boolean weight = before.get(i).getValue().getType() == Parameter.Type.WEIGHT;
                for (int j = 0; j < w0.length; j++) {
                    if (!weight) {
                        biasesZeroed += w1[j] == 0f && w0[j] != 0f ? 1 : 0; // (dead units' biases are 0 from the start)
                        continue;
                    }
                    total++;
                    if (w1[j] == 0f) {
                        zeros++;
                        largestPruned = Math.max(largestPruned, Math.abs(w0[j]));
                    } else {
                        smallestKept = Math.min(smallestKept, Math.abs(w0[j]));
                    }
                }
            }
            // Then exactly ⌊0.6·N⌋ weight entries are zero after the fine-tune, all of them with the
            // smallest magnitudes in the original over every layer together, and no bias was pruned
            assertThat(zeros).isEqualTo((int) Math.floor((double) 0.6f * total));
            assertThat(largestPruned).isLessThanOrEqualTo(smallestKept);
            assertThat(biasesZeroed).isZero();
            // and the kept entries were trained (the fine-tune ran)
            assertThat(run.model().weightsDigest()).isNotEqualTo(original.weightsDigest());
        }
    }
}
