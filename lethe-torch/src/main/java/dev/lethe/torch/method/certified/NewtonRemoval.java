package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Cancellation;

/**
 * One certified removal from a prepared model, touching only the removed records X (m of them): the
 * gradient on D' by exact algebra, the Newton step through {@link DowndatedHessian}, and the gradient
 * residual bound β at the float32 weights (the formulas and their derivation are in
 * {@link CertifiedRemoval}).
 *
 * @param weights θ⁻ rounded to float32 (held in float64), {@code K × (d+1)}
 * @param bound β, the bound on ‖∇L_b(θ⁻₃₂; D')‖
 * @param residualBefore ‖∇L_b(θ; D')‖
 */
record NewtonRemoval(NDArray weights, double bound, double residualBefore) {

    /** The removal of {@code forget}; its weights are attached to {@code work}, every other array it makes is closed. */
    static NewtonRemoval of(RemovalState state, RecordSet forget, double tolerance, Cancellation cancellation, NDManager work) {
        try (NDScope scope = new NDScope()) {
            NewtonRemoval removal = compute(state, forget, tolerance, cancellation, work);
            NDScope.unregister(removal.weights());
            removal.weights().attach(work);
            return removal;
        }
    }

    private static NewtonRemoval compute(RemovalState state, RecordSet forget, double tolerance, Cancellation cancellation,
                                         NDManager work) {
        NDArray theta = state.theta();
        int m = forget.size();
        OneVsRestLoss removed = new OneVsRestLoss(forget, theta.getShape(), state.lambda(), work);
        NDArray x = removed.inputs();
        NDArray p = removed.probabilities(theta);
        // ∇L_b(θ; D') = ∇L_b(θ; D) − Σ_X ∇ℓ_i(θ) − λ m θ
        NDArray gradient = state.gradient().sub(removed.dataGradient(p)).subi(Scalars.mul(theta, state.lambda() * m));
        DowndatedHessian hessian = new DowndatedHessian(state, x, OneVsRestLoss.curvature(p));
        NDArray step = hessian.solve(gradient.neg(), tolerance, CertifiedRemoval.MAX_REFINEMENTS, cancellation);
        NDArray weights = LogregWeights.rounded(theta.add(step));
        NDArray u = weights.sub(theta);
        NDArray linear = gradient.add(hessian.times(u)).norm(new int[]{1});
        // Σ_{i∈D'} ‖x̃_i‖ (x̃_iᵀu_k)² = u_kᵀ C_w u_k − Σ_{i∈X} ‖x̃_i‖ (x̃_iᵀu_k)², rounding kept from going below 0
        NDArray remainder = Scalars.mul(Scalars.maximum(u.matMul(state.weightedGram()).mul(u).sum(new int[]{1})
                .sub(x.matMul(u.transpose()).square().mul(removed.rowNorms()).sum(new int[]{0})), 0), CertifiedRemoval.GAMMA / 2);
        double bound = linear.add(remainder).square().sum().sqrt().getDouble();
        return new NewtonRemoval(weights, bound, gradient.norm().getDouble());
    }
}
