package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Inverses of a batch of symmetric positive definite matrices by the Newton–Schulz iteration
 * (Schulz 1933; Pan and Schreiber 1991), matrix products only:
 * <pre>
 *   X₀ = I / ‖A‖_F,    R_j = I − A X_j,    X_{j+1} = X_j + X_j R_j     (so R_{j+1} = R_j²)
 * </pre>
 * ‖A‖_F ≥ λ_max, so the eigenvalues of {@code A X₀} lie in (0, 1] and the residual squares at every
 * step: about {@code log₂ κ_F + 6} steps reach float64 accuracy, κ_F = ‖A‖_F / λ_min. It stops when
 * the largest ‖R‖_F of the batch is at most {@code tolerance}, or after {@code maxIterations}. Used
 * instead of DJL's {@code NDArray.inverse()}, whose LAPACK path in this PyTorch build fails for
 * matrices larger than 64 × 64 (MKL: "Parameter 6 was incorrect on entry to DLASWP", then no result).
 * The inverse serves as a preconditioner: {@link DowndatedHessian} measures the residual of every
 * solve exactly, so an inexact inverse costs refinement steps, never correctness.
 */
final class NewtonSchulz {

    private NewtonSchulz() {
    }

    /** X ≈ A⁻¹ for every matrix of {@code a} ({@code K × w × w}, float64, symmetric positive definite). */
    static NDArray inverse(NDArray a, double tolerance, int maxIterations) {
        int width = Math.toIntExact(a.getShape().get(1));
        try (NDScope scope = new NDScope()) {
            NDArray identity = a.getManager().eye(width, width, 0, DataType.FLOAT64);
            NDArray x = identity.expandDims(0).div(a.norm(new int[]{1, 2}).reshape(-1, 1, 1));
            for (int j = 0; j < maxIterations; j++) {
                NDArray residual = identity.sub(a.batchMatMul(x));
                if (residual.norm(new int[]{1, 2}).max().getDouble() <= tolerance) {
                    break;
                }
                x = x.add(x.batchMatMul(residual));
            }
            NDScope.unregister(x);
            return x;
        }
    }
}
