package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Cancellation;

/**
 * The unperturbed one-vs-rest objective of a logreg model on one record set (Guo et al. 2020, §4:
 * one binary logistic regression per class), with {@code y_ik = +1} if record i has label k, else −1:
 * <pre>
 *   L(θ) = Σ_k [ Σ_i log(1 + exp(−y_ik θ_kᵀ x̃_i)) + (λ n / 2) ‖θ_k‖² ]
 *   ∇_k  = Σ_i (p_ik − t_ik) x̃_i + λ n θ_k,      p_ik = σ(θ_kᵀ x̃_i), t_ik = [label_i = k]
 *   H_k  = Σ_i s_ik x̃_i x̃_iᵀ + λ n I,           s_ik = p_ik (1 − p_ik)
 * </pre>
 * K independent blocks, all computed at once as DJL tensor operations in float64 (the inputs are also
 * kept in float32 for the many products of a conjugate-gradient solve).
 */
final class OneVsRestLoss {

    private final NDArray inputs;        // n × (d+1): x̃_i = [x_i; 1]
    private final NDArray inputs32;      // the same in float32
    private final NDArray targets;       // n × K: t_ik
    private final double regularisation; // λ n

    OneVsRestLoss(RecordSet set, Shape thetaShape, double lambda, NDManager into) {
        int size = set.size();
        this.regularisation = lambda * size;
        long k = thetaShape.get(0);
        long width = thetaShape.get(1);
        if (size == 0) {
            inputs32 = into.zeros(new Shape(0, width), DataType.FLOAT32);
            inputs = into.zeros(new Shape(0, width), DataType.FLOAT64);
            targets = into.zeros(new Shape(0, k), DataType.FLOAT64);
            return;
        }
        inputs32 = into.create(set.featuresView(), new Shape(size, width - 1)).concat(into.ones(new Shape(size, 1)), 1);
        inputs = inputs32.toType(DataType.FLOAT64, false);
        long[] labels = new long[size];
        for (int i = 0; i < size; i++) {
            labels[i] = set.label(i);
        }
        targets = into.create(labels).oneHot((int) k).toType(DataType.FLOAT64, false);
    }

    /** X̃, {@code n × (d+1)}, float64. */
    NDArray inputs() {
        return inputs;
    }

    /** P = σ(X̃ θᵀ), {@code n × K}. */
    NDArray probabilities(NDArray theta) {
        return inputs.matMul(theta.transpose()).getNDArrayInternal().sigmoid();
    }

    /** ∇ = (P − T)ᵀ X̃ + λ n θ at the probabilities P of θ. */
    NDArray gradient(NDArray p, NDArray theta) {
        return p.sub(targets).transpose().matMul(inputs).addi(Scalars.mul(theta, regularisation));
    }

    NDArray gradient(NDArray theta) {
        return gradient(probabilities(theta), theta);
    }

    /** Σ_i (p_ik − t_ik) x̃_i without the regulariser: the data part of the gradient ({@code K × (d+1)}). */
    NDArray dataGradient(NDArray p) {
        return p.sub(targets).transpose().matMul(inputs);
    }

    /** S = P ⊙ (1 − P), the curvatures {@code s_ik}. */
    static NDArray curvature(NDArray p) {
        return p.mul(p.neg().add(1));
    }

    /** {@code G_k = X̃ᵀ diag(s_k) X̃} for every class, {@code K × (d+1) × (d+1)}, float64 (one product per class). */
    NDArray curvatureGrams(NDArray p) {
        NDArray s = curvature(p);
        long k = s.getShape().get(1);
        NDList grams = new NDList();
        for (long c = 0; c < k; c++) {
            try (NDScope scope = new NDScope()) {
                NDArray gram = inputs.mul(s.get(":, " + c + ":" + (c + 1))).transpose().matMul(inputs);
                NDScope.unregister(gram);
                grams.add(gram);
            }
        }
        NDArray out = NDArrays.stack(grams);
        grams.close();
        s.close();
        return out;
    }

    /** ‖x̃_i‖ per record, {@code n × 1}. */
    NDArray rowNorms() {
        return inputs.square().sum(new int[]{1}, true).sqrt();
    }

    /** {@code C_w = X̃ᵀ diag(‖x̃_i‖) X̃}, {@code (d+1) × (d+1)}: {@code uᵀ C_w u = Σ_i ‖x̃_i‖ (x̃_iᵀu)²}. */
    NDArray normWeightedGram() {
        return inputs.mul(rowNorms()).transpose().matMul(inputs);
    }

    /**
     * −H⁻¹ g at the probabilities P, by Jacobi-preconditioned conjugate gradients to a residual of
     * {@code tolerance}, the products in float32 (the caller measures the result in float64).
     */
    NDArray newtonStep(NDArray p, NDArray g, double tolerance, int maxIterations, Cancellation cancellation) {
        NDArray s32 = curvature(p).toType(DataType.FLOAT32, false);
        NDArray diagonal = s32.transpose().matMul(inputs32.square()).add(regularisation);
        return ConjugateGradient.solve(v -> hessianTimes(s32, v), diagonal, g.toType(DataType.FLOAT32, false), tolerance,
                maxIterations, cancellation).toType(DataType.FLOAT64, false).neg();
    }

    /** H V = (S ⊙ (X̃ Vᵀ))ᵀ X̃ + λ n V, one pass over the records, in float32. */
    private NDArray hessianTimes(NDArray s32, NDArray v) {
        try (NDScope scope = new NDScope()) {
            NDArray out = s32.mul(inputs32.matMul(v.transpose())).transpose().matMul(inputs32).addi(Scalars.mul(v, regularisation));
            NDScope.unregister(out);
            return out;
        }
    }
}
