package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Cancellation;

import java.util.function.UnaryOperator;

/**
 * Jacobi-preconditioned conjugate gradients (Hestenes and Stiefel 1952) for {@code A x = b} with A
 * symmetric positive definite and given only as a product {@code v ↦ A v}: the Newton steps of
 * {@link CertifiedRemoval#polish} without forming the Hessians. Each iteration costs one product, so the
 * cost is a few passes over the data instead of the {@code O(m³)} of a dense factorisation.
 *
 * <pre>
 *   r₀ = b, z₀ = r₀ / diag(A), p₀ = z₀
 *   α = rᵀz / pᵀAp,  x ← x + α p,  r ← r − α A p,  z = r / diag(A),  p ← z + (r'ᵀz' / rᵀz) p
 * </pre>
 * It stops when the recurrence's ‖r‖ falls to {@code tolerance} or after {@code maxIterations}; the
 * caller measures the true residual {@code ‖A x − b‖} itself.
 */
final class ConjugateGradient {

    private ConjugateGradient() {
    }

    /** The approximate solution x of {@code A x = b}. */
    static NDArray solve(UnaryOperator<NDArray> times, NDArray diagonal, NDArray b, double tolerance, int maxIterations,
                          Cancellation cancellation) {
        NDArray x = b.zerosLike();
        NDArray r = b.duplicate();
        NDArray z = r.div(diagonal);
        NDArray p = z.duplicate();
        double rz = value(r.mul(z).sum());
        int iteration = 0;
        while (iteration < maxIterations && value(r.norm()) > tolerance) {
            cancellation.check();
            iteration++;
            NDArray[] next;
            try (NDScope scope = new NDScope()) {
                NDArray ap = times.apply(p);
                double alpha = rz / value(p.mul(ap).sum());
                NDArray nx = x.add(Scalars.mul(p, alpha));
                NDArray nr = r.sub(Scalars.mul(ap, alpha));
                NDArray nz = nr.div(diagonal);
                double nrz = value(nr.mul(nz).sum());
                NDArray np = nz.add(Scalars.mul(p, nrz / rz));
                rz = nrz;
                next = new NDArray[]{nx, nr, np};
                for (NDArray a : next) {
                    NDScope.unregister(a);
                }
            }
            x.close();
            r.close();
            p.close();
            x = next[0];
            r = next[1];
            p = next[2];
        }
        r.close();
        p.close();
        z.close();
        return x;
    }

    /** A scalar array's value, in float32 or float64. */
    private static double value(NDArray scalar) {
        return scalar.getDataType() == DataType.FLOAT64 ? scalar.getDouble() : scalar.getFloat();
    }
}
