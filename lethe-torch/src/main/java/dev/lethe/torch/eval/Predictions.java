package dev.lethe.torch.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;

import java.util.Arrays;

/** Class probabilities (softmax of the logits) for raw feature vectors. */
public final class Predictions {

    private Predictions() {
    }

    /**
     * Probabilities {@code [n][classes]} for {@code n} inputs, each a flat vector of the model's input
     * size. A vector of the wrong length is refused with a message naming its position.
     */
    public static float[][] probabilities(ModelHandle model, float[][] inputs) {
        int size = Arrays.stream(model.spec().inputShape()).reduce(1, Math::multiplyExact);
        float[] flat = new float[inputs.length * size];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length != size) {
                throw new IllegalArgumentException("input " + i + " has " + inputs[i].length + " features; the model takes " + size);
            }
            System.arraycopy(inputs[i], 0, flat, i * size, size);
        }
        int classes = model.spec().numClasses();
        float[][] out = new float[inputs.length][];
        try (NDScope scope = new NDScope(); NDManager scratch = model.manager().newSubManager()) {
            Shape shape = model.spec().batchShape(inputs.length);
            NDArray x = scratch.create(flat, shape);
            float[] probs = model.forward(x, false).softmax(1).toFloatArray();
            for (int i = 0; i < inputs.length; i++) {
                out[i] = Arrays.copyOfRange(probs, i * classes, (i + 1) * classes);
            }
        }
        return out;
    }

    /** The index of the largest probability (first one on ties). */
    public static int argMax(float[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }
}
