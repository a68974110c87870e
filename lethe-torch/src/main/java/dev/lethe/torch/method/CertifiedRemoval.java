package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.Architecture;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TrainConfig;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code certified}: certified data removal by one Newton step (Guo, Goldstein, Hannun and van der
 * Maaten 2020, "Certified Data Removal from Machine Learning Models", ICML). For an L2-regularised
 * linear model trained with objective perturbation, the step leaves a model that is
 * (ε, δ)-indistinguishable from one trained without the removed records, as long as the gradient
 * residual it leaves stays inside the budget that the perturbation buys.
 *
 * <p>When to use it: a {@code logreg} model trained with L2 regularisation (weight decay λ > 0) and
 * with the objective perturbation of {@link #perturbedObjective}, when a deletion must come with a
 * provable bound and retraining is too slow. Anything else is refused: an MLP or CNN
 * ({@link IllegalArgumentException}), and a removal whose bound exceeds the budget
 * ({@link IllegalStateException} — retrain instead).
 *
 * <p>The model, the multinomial version of the paper's setting (the paper's experiments use binary or
 * one-vs-rest models; this project's {@code logreg} is trained jointly with softmax cross-entropy, so
 * the Hessian is the multinomial one rather than one-vs-rest blocks). With {@code θ = [W | b]}
 * ({@code K × (d+1)}), {@code x̃ = [x; 1]} and the training objective scaled by n (what mini-batch
 * training of mean cross-entropy, weight decay λ and the perturbation term {@code bᵀθ/n} minimises):
 * <pre>
 *   L_b(θ; D) = Σ_{i∈D} ℓ(θ x̃_i, y_i) + (λ n / 2) ‖θ‖² + bᵀθ,     b ~ N(0, σ²)^{K(d+1)}
 * </pre>
 * Removing the records X leaves D' = D \ X with n' records. The removal is
 * <pre>
 *   θ⁻ = θ − H⁻¹ ∇L_b(θ; D'),    H = ∇²L_b(θ; D') = Σ_{D'} (diag(p_i) − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + λ n' I
 * </pre>
 * (the paper's {@code θ + H⁻¹Δ} with {@code Δ = λ m θ + Σ_X ∇ℓ}, which equals {@code −∇L_b(θ; D')}
 * when θ minimises {@code L_b(·; D)} exactly; using the gradient on D' itself also corrects for the
 * residual that stochastic training leaves). The Hessian is assembled and solved (Cholesky) in double
 * precision in Java.
 *
 * <p>The gradient residual bound β (the paper's data-dependent bound on ‖∇L_b(θ⁻; D')‖, Theorem 1 /
 * Corollary 1, derived the same way for softmax): with {@code Δz_i = V x̃_i} the change of the logits
 * of record i ({@code V} the step as a {@code K × (d+1)} matrix) and γ = 3/2 a Lipschitz constant of
 * {@code z ↦ diag(p) − ppᵀ} (the paper's γ = 1/4 for the binary loss),
 * <pre>
 *   β = (γ/2) Σ_{D'} ‖x̃_i‖ ‖Δz_i‖²  +  ‖∇L_b(θ;D') + H v‖  +  (½ Σ_{D'} ‖x̃_i‖² + λ n') ‖δ‖
 * </pre>
 * the first term the Taylor remainder, the second what the linear solve leaves, the third what
 * rounding θ⁻ to float32 (by δ) may add. Removals from the same trained model add up: the option
 * {@code priorResidual} carries the β of earlier removals (reported by them).
 *
 * <p>The budget (Theorem 3): with {@code c = √(2 ln(1.5/δ))}, the removal is (ε, δ)-certified when
 * {@code priorResidual + β ≤ σ ε / c}. Otherwise the run refuses. A certified run reports through
 * {@link UnlearningContext#report()}: {@code certified.residualBound} (accumulated β),
 * {@code certified.budget}, {@code certified.epsilonSpent} ({@code c · β / σ}, the ε this removal and
 * the earlier ones have used), {@code certified.delta}, {@code certified.measuredResidual}
 * (‖∇L_b(θ⁻; D')‖ computed at the returned weights, ≤ β), {@code certified.residualBefore}
 * (‖∇L_b(θ; D')‖, what the step corrected), {@code certified.trainingResidual}
 * (‖∇L_b(θ; D)‖ of the original: how far its training was from the exact minimiser the theorem
 * assumes) and {@code certified.removed}.
 *
 * <p>Requirements the method cannot check: {@code data.retain()} must be all of D' (the Hessian and
 * the gradient are sums over it), and the original must have been trained on D' ∪ X with
 * {@link #perturbedObjective} at the same σ and the configuration in {@code context.original()}
 * (whose seed gives b and whose weight decay is λ).
 */
public final class CertifiedRemoval extends MethodBase<CertifiedRemoval.Options> {

    public static final String NAME = "certified";

    /** Lipschitz constant of the softmax cross-entropy's Hessian in the logits (operator norm). */
    static final double GAMMA = 1.5;

    public record Options(@JsonPropertyDescription("privacy loss ε of the certificate")
                          double epsilon,
                          @JsonPropertyDescription("failure probability δ of the certificate, in (0, 1)")
                          double delta,
                          @JsonPropertyDescription("standard deviation σ of the objective perturbation b the original was trained with (see CertifiedRemoval.perturbedObjective)")
                          double perturbation,
                          @JsonPropertyDescription("gradient residual bound already spent by earlier removals from the same trained model")
                          double priorResidual) {
        public Options {
            MethodOptions.require(epsilon > 0 && Double.isFinite(epsilon), "certified.epsilon", epsilon, "a positive number");
            MethodOptions.require(delta > 0 && delta < 1, "certified.delta", delta, "in (0, 1)");
            MethodOptions.require(perturbation >= 0 && Double.isFinite(perturbation), "certified.perturbation", perturbation, ">= 0");
            MethodOptions.require(priorResidual >= 0 && Double.isFinite(priorResidual), "certified.priorResidual", priorResidual, ">= 0");
        }
    }

    public CertifiedRemoval() {
        super(NAME, "one Newton step with an (ε, δ) certificate, for L2-regularised logreg (Guo et al. 2020)",
                Guarantee.CERTIFIED, new Options(1.0, 1e-4, 10.0, 0.0), Options.class);
    }

    /**
     * The training objective a model must have been trained with for a removal to be certified:
     * mean cross-entropy plus {@code bᵀθ / n}, b drawn from {@code N(0, σ²)} with the seed of
     * {@code config} (so the removal can draw the same b). Train with {@code config} (its weight decay
     * is λ) over the {@code trainingSize} records.
     */
    public static Objective perturbedObjective(TrainConfig config, double sigma, int trainingSize) {
        float[][][] cache = new float[1][][];
        return (model, batch) -> {
            NDArray loss = Objectives.crossEntropy(model.forward(batch.features(), true), batch.labels());
            if (sigma == 0) {
                return loss;
            }
            if (cache[0] == null) {
                cache[0] = perturbation(model, config.seed(), sigma);
            }
            List<Pair<String, Parameter>> params = model.parameters();
            for (int p = 0; p < params.size(); p++) {
                NDArray w = params.get(p).getValue().getArray();
                NDArray b = batch.manager().create(cache[0][p], w.getShape());
                loss = loss.add(w.mul(b).sum().div(trainingSize));
            }
            return loss;
        };
    }

    /** b per parameter (block order), each entry {@code N(0, σ²)}, from {@code Seeds.derive(seed, "certified-perturbation")}. */
    static float[][] perturbation(ModelHandle model, long trainingSeed, double sigma) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(trainingSeed, "certified-perturbation"));
        List<Pair<String, Parameter>> params = model.parameters();
        float[][] out = new float[params.size()][];
        for (int p = 0; p < params.size(); p++) {
            out[p] = new float[Math.toIntExact(params.get(p).getValue().getArray().size())];
            for (int j = 0; j < out[p].length; j++) {
                // Box–Muller, one normal per pair of uniforms: independent of the JDK's nextGaussian
                double u1 = 1.0 - random.nextDouble();
                double u2 = random.nextDouble();
                out[p][j] = (float) (sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
            }
        }
        return out;
    }

    @Override
    public ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        if (original.spec().architecture() != Architecture.LOGREG) {
            throw new IllegalArgumentException("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0); "
                    + original.spec().name() + " is not one — use another method, or retrain");
        }
        double lambda = context.original().weightDecay();
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0);"
                    + " the original was trained with weight decay " + lambda);
        }
        Linear linear = Linear.of(original);
        RecordSet remaining = data.retain();
        int k = linear.classes;
        int d = linear.inputs + 1;
        double[] theta = linear.theta;
        double[] b = flattenPerturbation(perturbation(original, context.original().seed(), options.perturbation()), k, linear.inputs);
        int nRemaining = remaining.size();

        double[] gradRemaining = gradient(theta, remaining, k, d, lambda, b);
        double[] gradAll = gradient(theta, data.forget(), k, d, lambda, new double[theta.length]);
        for (int j = 0; j < gradAll.length; j++) {
            gradAll[j] += gradRemaining[j];
        }
        double trainingResidual = norm(gradAll);

        double[] hessian = hessian(theta, remaining, k, d, lambda);
        double[] step = negate(Cholesky.solve(hessian, gradRemaining, theta.length));
        double[] solveResidual = multiply(hessian, step, theta.length);
        for (int j = 0; j < solveResidual.length; j++) {
            solveResidual[j] += gradRemaining[j];
        }
        double[] updated = new double[theta.length];
        double[] rounding = new double[theta.length];
        for (int j = 0; j < theta.length; j++) {
            updated[j] = theta[j] + step[j];
            rounding[j] = (float) updated[j] - updated[j];
        }
        double[] bound = bound(remaining, step, k, d, lambda);
        double beta = bound[0] + norm(solveResidual) + bound[1] * norm(rounding);
        double accumulated = options.priorResidual() + beta;
        double c = Math.sqrt(2 * Math.log(1.5 / options.delta()));
        double budget = options.perturbation() * options.epsilon() / c;
        if (!(accumulated <= budget)) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "certified: the gradient residual bound %.4g exceeds the budget %.4g for ε=%s, δ=%s (σ=%s); retrain instead",
                    accumulated, budget, options.epsilon(), options.delta(), options.perturbation()));
        }

        ModelHandle model = original.copy();
        try {
            Linear.write(model, updated, k, linear.inputs);
            double[] stored = Linear.of(model).theta;
            double measured = norm(gradient(stored, remaining, k, d, lambda, b));
            context.report().put("certified.removed", data.forget().size());
            context.report().put("certified.residualBound", accumulated);
            context.report().put("certified.budget", budget);
            context.report().put("certified.epsilonSpent", options.perturbation() == 0 ? 0.0 : c * accumulated / options.perturbation());
            context.report().put("certified.delta", options.delta());
            context.report().put("certified.measuredResidual", measured);
            context.report().put("certified.residualBefore", norm(gradRemaining));
            context.report().put("certified.trainingResidual", trainingResidual);
            context.report().put("certified.remaining", nRemaining);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** The weights of a logreg model as θ = [W | b], row k = class k, in double. */
    private record Linear(double[] theta, int classes, int inputs) {

        static Linear of(ModelHandle model) {
            float[] w = null;
            float[] bias = null;
            long[] shape = null;
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getKey().endsWith("weight")) {
                    w = a.toFloatArray();
                    shape = a.getShape().getShape();
                } else if (p.getKey().endsWith("bias")) {
                    bias = a.toFloatArray();
                }
            }
            if (w == null || bias == null || shape.length != 2) {
                throw new IllegalArgumentException("certified: expected a logreg model with one weight matrix and one bias");
            }
            int k = (int) shape[0];
            int in = (int) shape[1];
            double[] theta = new double[k * (in + 1)];
            for (int r = 0; r < k; r++) {
                for (int a = 0; a < in; a++) {
                    theta[r * (in + 1) + a] = w[r * in + a];
                }
                theta[r * (in + 1) + in] = bias[r];
            }
            return new Linear(theta, k, in);
        }

        static void write(ModelHandle model, double[] theta, int k, int in) {
            float[] w = new float[k * in];
            float[] bias = new float[k];
            for (int r = 0; r < k; r++) {
                for (int a = 0; a < in; a++) {
                    w[r * in + a] = (float) theta[r * (in + 1) + a];
                }
                bias[r] = (float) theta[r * (in + 1) + in];
            }
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray a = p.getValue().getArray();
                a.set(FloatBuffer.wrap(p.getKey().endsWith("weight") ? w : bias));
            }
        }
    }

    /** The perturbation in θ's layout ([W | b] per class row), from per-parameter arrays (weight, then bias). */
    private static double[] flattenPerturbation(float[][] perParameter, int k, int in) {
        double[] out = new double[k * (in + 1)];
        float[] w = perParameter[0].length == k * in ? perParameter[0] : perParameter[1];
        float[] bias = perParameter[0].length == k * in ? perParameter[1] : perParameter[0];
        for (int r = 0; r < k; r++) {
            for (int a = 0; a < in; a++) {
                out[r * (in + 1) + a] = w[r * in + a];
            }
            out[r * (in + 1) + in] = bias[r];
        }
        return out;
    }

    /** Softmax probabilities of the model θ for record i. */
    private static double[] probabilities(double[] theta, float[] x, int offset, int k, int d) {
        double[] z = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            double s = theta[r * d + d - 1];
            for (int a = 0; a < d - 1; a++) {
                s += theta[r * d + a] * x[offset + a];
            }
            z[r] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int r = 0; r < k; r++) {
            z[r] = Math.exp(z[r] - max);
            sum += z[r];
        }
        for (int r = 0; r < k; r++) {
            z[r] /= sum;
        }
        return z;
    }

    /** ∇ of Σ_set ℓ + (λ |set| / 2)‖θ‖² + perturbationᵀθ. */
    private static double[] gradient(double[] theta, RecordSet set, int k, int d, double lambda, double[] perturbation) {
        double[] g = new double[theta.length];
        float[] x = set.featuresView();
        int f = d - 1;
        for (int i = 0; i < set.size(); i++) {
            double[] p = probabilities(theta, x, i * f, k, d);
            p[set.label(i)] -= 1;
            for (int r = 0; r < k; r++) {
                for (int a = 0; a < f; a++) {
                    g[r * d + a] += p[r] * x[i * f + a];
                }
                g[r * d + f] += p[r];
            }
        }
        for (int j = 0; j < g.length; j++) {
            g[j] += lambda * set.size() * theta[j] + perturbation[j];
        }
        return g;
    }

    /** H = Σ_set (diag(p) − ppᵀ) ⊗ x̃x̃ᵀ + λ |set| I, dense row-major, index (class, feature) → class·d + feature. */
    private static double[] hessian(double[] theta, RecordSet set, int k, int d, double lambda) {
        int m = k * d;
        double[] h = new double[m * m];
        float[] x = set.featuresView();
        int f = d - 1;
        double[] xt = new double[d];
        int[] nonZero = new int[d];
        double[][] a = new double[k][k];
        for (int i = 0; i < set.size(); i++) {
            double[] p = probabilities(theta, x, i * f, k, d);
            for (int r = 0; r < k; r++) {
                for (int s = 0; s < k; s++) {
                    a[r][s] = (r == s ? p[r] : 0) - p[r] * p[s];
                }
            }
            int nz = 0;
            for (int c = 0; c < f; c++) {
                xt[c] = x[i * f + c];
                if (xt[c] != 0) {
                    nonZero[nz++] = c;
                }
            }
            xt[f] = 1;
            nonZero[nz++] = f;
            // upper triangle of the class blocks (r <= s); within a block, all (u, v) of non-zero features
            for (int r = 0; r < k; r++) {
                for (int s = r; s < k; s++) {
                    double w = a[r][s];
                    for (int ui = 0; ui < nz; ui++) {
                        int u = nonZero[ui];
                        double wu = w * xt[u];
                        int row = (r * d + u) * m + s * d;
                        for (int vi = 0; vi < nz; vi++) {
                            int v = nonZero[vi];
                            h[row + v] += wu * xt[v];
                        }
                    }
                }
            }
        }
        // mirror the class blocks below the diagonal: H[(s,v),(r,u)] = H[(r,u),(s,v)]
        for (int r = 0; r < k; r++) {
            for (int s = r + 1; s < k; s++) {
                for (int u = 0; u < d; u++) {
                    for (int v = 0; v < d; v++) {
                        h[(s * d + v) * m + r * d + u] = h[(r * d + u) * m + s * d + v];
                    }
                }
            }
        }
        for (int j = 0; j < m; j++) {
            h[j * m + j] += lambda * set.size();
        }
        return h;
    }

    /**
     * {(γ/2) Σ ‖x̃_i‖ ‖Δz_i‖², ½ Σ ‖x̃_i‖² + λ n'}: the Taylor-remainder term of β and a bound on
     * ‖H‖ anywhere (for the rounding term).
     */
    private static double[] bound(RecordSet set, double[] step, int k, int d, double lambda) {
        float[] x = set.featuresView();
        int f = d - 1;
        double remainder = 0;
        double hessianNorm = lambda * set.size();
        for (int i = 0; i < set.size(); i++) {
            double xNormSq = 1;
            for (int a = 0; a < f; a++) {
                xNormSq += (double) x[i * f + a] * x[i * f + a];
            }
            double dzSq = 0;
            for (int r = 0; r < k; r++) {
                double dz = step[r * d + f];
                for (int a = 0; a < f; a++) {
                    dz += step[r * d + a] * x[i * f + a];
                }
                dzSq += dz * dz;
            }
            remainder += Math.sqrt(xNormSq) * dzSq;
            hessianNorm += 0.5 * xNormSq;
        }
        return new double[]{GAMMA / 2 * remainder, hessianNorm};
    }

    private static double[] multiply(double[] matrix, double[] v, int m) {
        double[] out = new double[m];
        for (int r = 0; r < m; r++) {
            double s = 0;
            for (int c = 0; c < m; c++) {
                s += matrix[r * m + c] * v[c];
            }
            out[r] = s;
        }
        return out;
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = -v[j];
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Dense Cholesky factorisation and solve for a symmetric positive definite matrix. */
    static final class Cholesky {

        private Cholesky() {
        }

        /** x with {@code A x = rhs}; A (m × m, row-major) is left unchanged. */
        static double[] solve(double[] a, double[] rhs, int m) {
            double[] l = new double[m * m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = a[i * m + j];
                    for (int t = 0; t < j; t++) {
                        s -= l[i * m + t] * l[j * m + t];
                    }
                    if (i == j) {
                        if (!(s > 0)) {
                            throw new ArithmeticException("certified: the Hessian is not positive definite (pivot " + s + " at " + i + ")");
                        }
                        l[i * m + i] = Math.sqrt(s);
                    } else {
                        l[i * m + j] = s / l[j * m + j];
                    }
                }
            }
            double[] y = new double[m];
            for (int i = 0; i < m; i++) {
                double s = rhs[i];
                for (int t = 0; t < i; t++) {
                    s -= l[i * m + t] * y[t];
                }
                y[i] = s / l[i * m + i];
            }
            double[] x = new double[m];
            for (int i = m - 1; i >= 0; i--) {
                double s = y[i];
                for (int t = i + 1; t < m; t++) {
                    s -= l[t * m + i] * x[t];
                }
                x[i] = s / l[i * m + i];
            }
            return x;
        }
    }
}
