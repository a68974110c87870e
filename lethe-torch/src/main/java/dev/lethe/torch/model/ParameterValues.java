package dev.lethe.torch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes new values into a parameter's array in place, keeping the array (and so its gradient attachment and every
 * reference to it). It assigns {@code w[:] = values} through an indexed put: {@code NDArray.set(Buffer)} does the same
 * copy but makes libtorch print "AutoNonVariableTypeMode is deprecated" on the user's terminal, once per process.
 */
public final class ParameterValues {

    private ParameterValues() {
    }

    /** {@code target[:] = values}, exactly ({@code values} has {@code target}'s shape; it is converted to its data type). */
    public static void assign(NDArray target, NDArray values) {
        if (!values.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("a parameter of shape " + target.getShape() + " cannot take values of shape " + values.getShape());
        }
        target.set(new NDIndex(":"), values.toType(target.getDataType(), false));
    }

    /** {@link #assign(NDArray, NDArray)} from host values in row-major order. */
    public static void assign(NDArray target, float[] values) {
        if (values.length != target.getShape().size()) {
            throw new IllegalArgumentException("a parameter of shape " + target.getShape() + " takes " + target.getShape().size()
                    + " values, got " + values.length);
        }
        try (NDManager scratch = target.getManager().newSubManager()) {
            assign(target, scratch.create(values, target.getShape()));
        }
    }
}
