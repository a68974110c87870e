package dev.lethe.torch.runtime;

import ai.djl.ndarray.NDArray;

import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a Java number that stays correct under autograd: use these instead of DJL's
 * {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)}, {@code minimum(Number)} and their in-place
 * forms (an architecture test, {@code ScalarArithmeticRuleTest}, refuses those calls).
 *
 * <p>Why: DJL's PyTorch engine turns the number into a 0-d array over a Java direct buffer ({@code torch::from_blob},
 * which does not own the memory) and closes that array as soon as the operation returns. Multiplication, division,
 * {@code maximum} and {@code minimum} keep their operands for the backward pass, so libtorch holds on to the 0-d array
 * while nothing on the Java side holds its buffer: after the next garbage collection the JVM frees it, and the
 * backward pass reads the number from freed memory. That gave wrong gradients now and then (a weight digest that
 * differed between two runs with the same seed in one process, {@code WhpOnFakeAuthorsTest} on CI), a NaN loss where
 * the freed bytes held one (the "stale read" in docs/BENCHMARKS.md, "SISA by author on TOFU"), and crashes in
 * {@code malloc} when glibc's free lists were written through. Here the number is copied into a 0-d array that libtorch
 * allocates and reference-counts, so the backward pass keeps it alive as long as it needs it. The value and its data
 * type are the ones DJL's overload would use ({@code NDManager.create(Number)}), so the results are bit for bit the same.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x × v}. */
    public static NDArray mul(NDArray x, Number v) {
        return with(x, v, NDArray::mul);
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, Number v) {
        return with(x, v, NDArray::div);
    }

    /** The element-wise {@code max(x, v)}. */
    public static NDArray maximum(NDArray x, Number v) {
        return with(x, v, NDArray::maximum);
    }

    /** The element-wise {@code min(x, v)}. */
    public static NDArray minimum(NDArray x, Number v) {
        return with(x, v, NDArray::minimum);
    }

    /** {@code x ← x × v} in place; returns {@code x}. */
    public static NDArray muli(NDArray x, Number v) {
        return with(x, v, NDArray::muli);
    }

    /** {@code x ← x / v} in place; returns {@code x}. */
    public static NDArray divi(NDArray x, Number v) {
        return with(x, v, NDArray::divi);
    }

    /** {@code x ← x^v} in place; returns {@code x}. */
    public static NDArray powi(NDArray x, Number v) {
        return with(x, v, NDArray::powi);
    }

    /**
     * {@code op(x, v)}, with {@code v} as a 0-d array in {@code x}'s manager and in memory that libtorch owns: a clone of
     * DJL's wrapper, which is released at once. Closing the clone's handle leaves its tensor to whoever still holds it.
     */
    private static NDArray with(NDArray x, Number v, BinaryOperator<NDArray> op) {
        try (NDArray wrapped = x.getManager().create(v); NDArray scalar = wrapped.duplicate()) {
            return op.apply(x, scalar);
        }
    }
}
