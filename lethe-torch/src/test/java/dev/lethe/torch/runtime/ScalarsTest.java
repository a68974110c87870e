package dev.lethe.torch.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Scalars}: the same values and data types as DJL's Number overloads, and a gradient that survives a garbage
 * collection between the forward and the backward pass (the overloads' does not: the 0-d array that the backward pass
 * reads lies in a Java buffer the JVM frees).
 */
class ScalarsTest {

    @Test
    void theResultsAreBitForBitThoseOfDjlsNumberOverloads() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            for (NDArray x : List.of(m.create(new float[]{-1.5f, 0.1f, 3f, 7.25f}), m.create(new double[]{-1.5, 0.1, 3, 7.25}),
                    m.create(new int[]{-2, 0, 3, 7}))) {
                for (Number v : List.<Number>of(2, 0.1f, 0.1, -3)) {
                    String what = x.getDataType() + " with " + v.getClass().getSimpleName() + " " + v;
                    assertSame(Scalars.mul(x, v), x.mul(v), "mul " + what);
                    assertSame(Scalars.div(x.toType(DataType.FLOAT64, false), v), x.toType(DataType.FLOAT64, false).div(v), "div " + what);
                    assertSame(Scalars.maximum(x, v), x.maximum(v), "maximum " + what);
                    assertSame(Scalars.minimum(x, v), x.minimum(v), "minimum " + what);
                }
            }
            NDArray positive = m.create(new float[]{0.5f, 2f, 9f});
            assertSame(Scalars.powi(positive.duplicate(), -0.25f), positive.duplicate().powi(-0.25f), "powi");
            assertSame(Scalars.muli(positive.duplicate(), 3), positive.duplicate().muli(3), "muli");
            assertSame(Scalars.divi(positive.duplicate(), 3f), positive.duplicate().divi(3f), "divi");
        }
    }

    @Test
    void theGradientThroughANumberSurvivesAGarbageCollectionBeforeTheBackwardPass() {
        assertThat(gradientAfterACollection(x -> Scalars.mul(x, 3f))).containsExactly(3f, 3f, 3f, 3f);
        assertThat(gradientAfterACollection(x -> Scalars.div(x, 4f))).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
        // max(x, 2) passes the gradient where x > 2 and none where x < 2 (x is 1..4; at x = 2 PyTorch splits it)
        assertThat(gradientAfterACollection(x -> Scalars.maximum(x, 2.5f))).containsExactly(0f, 0f, 1f, 1f);
        assertThat(gradientAfterACollection(x -> Scalars.minimum(x, 2.5f))).containsExactly(1f, 1f, 0f, 0f);
    }

    /**
     * d(sum(op(x)))/dx at x = (1, 2, 3, 4), where between the forward and the backward pass the JVM collects its garbage,
     * runs the cleaners that free unreachable direct buffers, and hands the freed native memory out again, filled with NaN.
     */
    private static float[] gradientAfterACollection(UnaryOperator<NDArray> op) {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray x = m.create(new float[]{1f, 2f, 3f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                NDArray loss = op.apply(x).sum();
                List<ByteBuffer> reused = reuseFreedNativeMemory();
                collector.backward(loss);
                assertThat(reused).isNotEmpty();
            }
            return x.getGradient().toFloatArray();
        }
    }

    private static List<ByteBuffer> reuseFreedNativeMemory() {
        List<ByteBuffer> held = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                Thread.sleep(20); // the cleaner thread frees the collected buffers' memory
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + i % 13).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                held.add(b);
            }
        }
        return held;
    }

    private static void assertSame(NDArray actual, NDArray expected, String what) {
        assertThat(actual.getDataType()).as(what).isEqualTo(expected.getDataType());
        assertThat(actual.toByteBuffer()).as(what).isEqualTo(expected.toByteBuffer());
    }
}
