package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptFamilyTest {

    static final String TINY = "gpt:32,2,2,64";

    static ModelHandle tiny(long seed) {
        return ModelHandle.create(GptFamily.spec(TINY, 256), seed);
    }

    @Test
    void theSpecParsesWithDefaultsAndRefusesBadShapesWithReasons() {
        assertThat(GptFamily.spec("gpt", 256).name()).isEqualTo("gpt:192,4,4,640");
        assertThat(GptFamily.spec("gpt", 256).inputShape()).containsExactly(640);
        assertThat(GptFamily.spec(TINY, 256).numClasses()).isEqualTo(256);
        assertThatThrownBy(() -> GptFamily.spec("gpt:30,2,4,64", 256)).hasMessageContaining("not a multiple of the 4 heads");
        assertThatThrownBy(() -> GptFamily.spec("gpt:32,2,2", 256)).hasMessageContaining("four numbers");
        assertThatThrownBy(() -> GptFamily.spec("gpt:32,x,2,64", 256)).hasMessageContaining("must be integers");
        assertThatThrownBy(() -> GptFamily.spec("gpt:32,0,2,64", 256)).hasMessageContaining("must all be positive");
        assertThatThrownBy(() -> ModelSpec.parse(TINY, new int[]{16}, 256)).hasMessageContaining("input shape is [context] = [64]");
    }

    @Test
    void idsGoInLogitsComeOutAndTheLayersAreEmbeddingBlocksHead() {
        try (ModelHandle model = tiny(1); NDManager m = model.manager().newSubManager()) {
            NDArray ids = m.create(new long[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new Shape(2, 5));
            assertThat(model.forward(ids, false).getShape()).isEqualTo(new Shape(2, 5, 256));
            assertThat(model.layerCount()).isEqualTo(4);
            assertThat(model.activations(new NDList(ids), 2, false).singletonOrThrow().getShape()).isEqualTo(new Shape(2, 5, 32));
            // d·V + C·d + L·(2·2d + 3d² + 3d + d² + d + 4d² + 4d + 4d² + d + 2d) + 2d + d·V + V
            long d = 32;
            long perBlock = 4 * d + 3 * d * d + 3 * d + d * d + d + 4 * d * d + 4 * d + 4 * d * d + d;
            assertThat(model.parameterCount()).isEqualTo(d * 256 + 64 * d + 2 * perBlock + 2 * d + d * 256 + 256);
            // GPT-2 initialisation: weights N(0, 0.02), not the Xavier that ModelHandle asks for
            NDArray head = model.parameters().get(model.parameters().size() - 2).getValue().getArray();
            assertThat(head.getShape()).isEqualTo(new Shape(256, 32));
            assertThat(stddev(head)).isBetween(0.018, 0.022);
        }
    }

    @Test
    void aPositionsLogitsDoNotDependOnLaterTokensOrRightPadding() {
        try (ModelHandle model = tiny(2); NDManager m = model.manager().newSubManager()) {
            long[] a = {72, 101, 108, 108, 111, 32, 119, 111};
            long[] b = a.clone();
            b[6] = 9;
            b[7] = 200;
            NDArray la = model.forward(m.create(a, new Shape(1, 8)), false);
            NDArray lb = model.forward(m.create(b, new Shape(1, 8)), false);
            assertThat(max(la.get(new NDIndex(":, :6")).sub(lb.get(new NDIndex(":, :6"))).abs())).isZero();
            assertThat(max(la.get(new NDIndex(":, 6:")).sub(lb.get(new NDIndex(":, 6:"))).abs())).isGreaterThan(1e-4f);

            long[] padded = java.util.Arrays.copyOf(a, 20);
            NDArray lp = model.forward(m.create(padded, new Shape(1, 20)), false);
            assertThat(max(lp.get(new NDIndex(":, :8")).sub(la).abs())).isLessThan(1e-5f);
        }
    }

    @Test
    void aSequenceLongerThanTheContextIsRefused() {
        try (ModelHandle model = tiny(3); NDManager m = model.manager().newSubManager()) {
            NDArray ids = m.zeros(new Shape(1, 65), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> model.forward(ids, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65 tokens does not fit the model's context of 64");
        }
    }

    @Test
    void saveAndLoadRoundTripBitForBit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gpt.lethe-model");
        try (ModelHandle model = tiny(4); NDManager m = model.manager().newSubManager()) {
            model.save(file);
            try (ModelHandle loaded = ModelHandle.load(file)) {
                assertThat(loaded.spec()).isEqualTo(model.spec());
                assertThat(loaded.weightsDigest()).isEqualTo(model.weightsDigest());
                long[] ids = {3, 1, 4, 1, 5, 9, 2, 6};
                float[] before = model.forward(m.create(ids, new Shape(1, 8)), false).toFloatArray();
                float[] after = loaded.forward(m.create(ids, new Shape(1, 8)), false).toFloatArray();
                assertThat(after).containsExactly(before);
            }
        }
    }

    private static double stddev(NDArray a) {
        float[] v = a.toFloatArray();
        double sum = 0;
        double squares = 0;
        for (float x : v) {
            sum += x;
            squares += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(squares / v.length - mean * mean);
    }

    private static float max(NDArray a) {
        return a.max().getFloat();
    }
}
