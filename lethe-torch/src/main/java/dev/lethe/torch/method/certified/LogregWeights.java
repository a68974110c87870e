package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ParameterValues;

import java.util.List;

/**
 * The weights of a {@code logreg} model as one matrix {@code θ = [W | b]} ({@code K × (d+1)}, row k
 * the classifier of class k, applied to {@code x̃ = [x; 1]}), in float64, and back.
 */
final class LogregWeights {

    private LogregWeights() {
    }

    /** θ of {@code model}, float64, attached to {@code into}. */
    static NDArray theta(ModelHandle model, NDManager into) {
        NDArray w = null;
        NDArray bias = null;
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray a = p.getValue().getArray().duplicate();
            a.attach(into);
            if (p.getKey().endsWith("weight")) {
                w = a;
            } else if (p.getKey().endsWith("bias")) {
                bias = a;
            }
        }
        if (w == null || bias == null || w.getShape().dimension() != 2) {
            throw new IllegalArgumentException("certified: expected a logreg model with one weight matrix and one bias");
        }
        return join(w, bias);
    }

    /** The objective perturbation b in θ's layout, from {@link CertifiedRemoval#perturbation}. */
    static NDArray perturbation(ModelHandle model, long trainingSeed, double sigma, NDManager into) {
        float[][] perParameter = CertifiedRemoval.perturbation(model, trainingSeed, sigma);
        List<Pair<String, Parameter>> params = model.parameters();
        NDArray w = null;
        NDArray bias = null;
        for (int p = 0; p < params.size(); p++) {
            NDArray a = into.create(perParameter[p], params.get(p).getValue().getArray().getShape());
            if (params.get(p).getKey().endsWith("weight")) {
                w = a;
            } else {
                bias = a;
            }
        }
        return join(w, bias);
    }

    private static NDArray join(NDArray w, NDArray bias) {
        return w.concat(bias.reshape(-1, 1), 1).toType(DataType.FLOAT64, false);
    }

    /** Rounds θ to float32 into the model's weight and bias. */
    static void write(ModelHandle model, NDArray theta) {
        long inputs = theta.getShape().get(1) - 1;
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray a = p.getValue().getArray();
            NDArray part = p.getKey().endsWith("weight") ? theta.get(":, :" + inputs) : theta.get(":, " + inputs);
            ParameterValues.assign(a, part);
        }
    }

    /** θ rounded to float32 and back: the weights {@link #write} stores. */
    static NDArray rounded(NDArray theta) {
        return theta.toType(DataType.FLOAT32, false).toType(DataType.FLOAT64, false);
    }
}
