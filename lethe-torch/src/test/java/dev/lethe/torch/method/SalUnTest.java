package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code salun}: only the weights in the saliency mask change, and the mask holds the requested share. */
class SalUnTest {

    @Test
    void weightsOutsideTheSaliencyMaskStayBitIdentical() {
        float ratio = 0.1f;
        try (ModelHandle original = ClassForgetting.original();
             NDManager scratch = original.manager().newSubManager();
             UnlearningRun run = UnlearningRun.run(new SalUn(), Map.of("ratio", String.valueOf(ratio)), original, ClassForgetting.DATA,
                     ClassForgetting.context(4))) {
            Map<String, NDArray> mask = SalUn.saliencyMask(original, ClassForgetting.DATA.forget(),
                    ClassForgetting.ORIGINAL_CONFIG.batchSize(), ratio, scratch);
            long total = 0;
            long masked = 0;
            long changed = 0;
            for (int i = 0; i < original.parameters().size(); i++) {
                String name = original.parameters().get(i).getKey();
                float[] before = original.parameters().get(i).getValue().getArray().toFloatArray();
                float[] after = run.model().parameters().get(i).getValue().getArray().toFloatArray();
                float[] m = mask.get(name).toFloatArray();
                for (int k = 0; k < before.length; k++) {
                    total++;
                    if (m[k] == 1f) {
                        masked++;
                    } else {
                        assertThat(Float.floatToIntBits(after[k])).as("%s[%d] outside the mask", name, k).isEqualTo(Float.floatToIntBits(before[k]));
                    }
                    if (after[k] != before[k]) {
                        changed++;
                    }
                }
            }
            assertThat(Spread.measure("salun masked share", (double) masked / total)).isBetween(0.09, 0.11);
            assertThat(changed).isPositive().isLessThanOrEqualTo(masked);
        }
    }
}
