package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;

import java.util.ArrayList;
import java.util.List;

/**
 * Global gradient-norm clipping (Pascanu et al. 2013), as PyTorch's {@code clip_grad_norm_} does it: the
 * norm is taken over all parameters' gradients together, {@code ‖g‖ = √(Σ_p Σ g_p²)}, and when it is above
 * the bound c every gradient is scaled by {@code c / (‖g‖ + 1e-6)}, so the update keeps its direction.
 * (DJL's own {@code clipGrad} clamps each element, which changes the direction.)
 */
public final class GradientClipping {

    /** PyTorch's guard against dividing by a zero norm. */
    private static final float EPSILON = 1e-6f;

    private GradientClipping() {
    }

    /**
     * Scales the gradients {@code model}'s parameters hold so that their global norm is at most
     * {@code maxNorm}; returns the norm before clipping. Temporary arrays go to {@code scratch}.
     */
    public static float clip(ModelHandle model, float maxNorm, NDManager scratch) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("the gradient-norm bound must be positive, got " + maxNorm);
        }
        List<NDArray> gradients = new ArrayList<>();
        NDList squares = new NDList();
        for (Pair<String, Parameter> p : model.parameters()) {
            // getGradient() makes a new handle on the gradient in the parameter's manager: move it to scratch
            NDArray gradient = p.getValue().getArray().getGradient();
            gradient.attach(scratch);
            gradients.add(gradient);
            squares.add(gradient.square().sum().reshape(1));
        }
        float norm = NDArrays.concat(squares).sum().sqrt().getFloat();
        if (norm > maxNorm) {
            float scale = maxNorm / (norm + EPSILON);
            for (NDArray gradient : gradients) {
                Scalars.muli(gradient, scale);
            }
        }
        return norm;
    }

    /**
     * Sets every gradient {@code model}'s parameters hold to exactly 0, NaN and infinite entries included (subtracting
     * a gradient from itself, the usual way, leaves a NaN as NaN). Temporary arrays go to {@code scratch}.
     */
    public static void zero(ModelHandle model, NDManager scratch) {
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray gradient = p.getValue().getArray().getGradient();
            gradient.attach(scratch);
            // an indexed put copies the 0 into the gradient's own memory; set(float[]) would re-point the gradient at a
            // Java buffer that this temporary handle alone keeps alive (see Scalars)
            gradient.set(new NDIndex(":"), 0f);
        }
    }
}
