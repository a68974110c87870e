package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.model.Architecture;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Cancellation;
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
 * with the objective perturbation of {@link #perturbedObjective} and then {@link #polish}ed to the
 * exact minimiser ({@code lethe train --model logreg --weight-decay λ --perturbation σ} does both),
 * when a deletion must come with a provable bound and retraining is too slow. Anything else is
 * refused: an MLP or CNN
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
 * residual that stochastic training leaves). The Hessian is never formed (it has {@code (K(d+1))²}
 * entries, 62 M on MNIST): the step is solved by {@link ConjugateGradient} with Hessian-vector
 * products, {@code H v = Σ_i (diag(p_i) − p_i p_iᵀ)(V x̃_i) x̃_iᵀ + λ n' V}, each one pass over D' as
 * DJL tensor operations (float32 inside the solve, float64 for the gradients and the bound), until the
 * solve residual is 1 % of the budget.
 *
 * <p>The gradient residual bound β (the paper's data-dependent bound on ‖∇L_b(θ⁻; D')‖, Theorem 1 /
 * Corollary 1, derived the same way for softmax): with {@code Δz_i = V x̃_i} the change of the logits
 * of record i ({@code V} the step as a {@code K × (d+1)} matrix) and γ = 3/2 a Lipschitz constant of
 * {@code z ↦ diag(p) − ppᵀ} (the paper's γ = 1/4 for the binary loss),
 * <pre>
 *   β = (γ/2) Σ_{D'} ‖x̃_i‖ ‖Δz_i‖²  +  ‖∇L_b(θ;D') + H v‖  +  ‖∇L(θ⁻₃₂; D') − ∇L(θ⁻; D')‖
 * </pre>
 * the first term the Taylor remainder, the second what the linear solve leaves, the third what
 * rounding θ⁻ to the stored float32 weights θ⁻₃₂ changes in the gradient (computed exactly, in
 * float64). Removals from the same trained model add up: the option
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
        double lambda = requireL2Logreg(original, context.original());
        double c = Math.sqrt(2 * Math.log(1.5 / options.delta()));
        double budget = options.perturbation() * options.epsilon() / c;
        ModelHandle model = original.copy();
        try (NDManager work = model.manager().newSubManager()) {
            NDArray theta = Linear.theta(original, work);
            NDArray b = perturbationMatrix(original, context.original().seed(), options.perturbation(), work);
            RegularisedLoss remaining = new RegularisedLoss(data.retain(), theta.getShape(), lambda, work);
            RegularisedLoss removed = new RegularisedLoss(data.forget(), theta.getShape(), lambda, work);

            NDArray p = remaining.probabilities(theta);
            NDArray gradRemaining = remaining.gradient(theta).addi(b);
            double trainingResidual = gradRemaining.add(removed.gradient(theta)).norm().getDouble();
            // the Newton step solves H v = ∇L_b(θ; D'); the solve residual counts in β, so solve well inside the budget
            NDArray step = remaining.newtonStep(p, gradRemaining, SOLVE_TOLERANCE * budget, context.cancellation());
            double solveResidual = remaining.hessianTimes(p, step).addi(gradRemaining).norm().getDouble();
            NDArray updated = theta.add(step);
            // the weights are stored in float32: what rounding changes in the gradient is computed, not bounded
            NDArray rounded = updated.toType(DataType.FLOAT32, false).toType(DataType.FLOAT64, false);
            double rounding = remaining.gradient(rounded).sub(remaining.gradient(updated)).norm().getDouble();
            double taylor = GAMMA / 2 * remaining.taylorRemainder(step);
            double beta = taylor + solveResidual + rounding;
            double accumulated = options.priorResidual() + beta;
            if (!(accumulated <= budget)) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "certified: the gradient residual bound %.4g exceeds the budget %.4g for ε=%s, δ=%s (σ=%s); retrain instead",
                        accumulated, budget, options.epsilon(), options.delta(), options.perturbation()));
            }
            Linear.write(model, updated);
            double measured = remaining.gradient(Linear.theta(model, work)).addi(b).norm().getDouble();
            context.report().put("certified.removed", data.forget().size());
            context.report().put("certified.residualBound", accumulated);
            context.report().put("certified.budget", budget);
            context.report().put("certified.epsilonSpent", options.perturbation() == 0 ? 0.0 : c * accumulated / options.perturbation());
            context.report().put("certified.delta", options.delta());
            context.report().put("certified.measuredResidual", measured);
            context.report().put("certified.residualBefore", gradRemaining.norm().getDouble());
            context.report().put("certified.trainingResidual", trainingResidual);
            context.report().put("certified.remaining", data.retain().size());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Newton refinement of a trained logreg to the exact minimiser of {@code L_b(·; D)} that the
     * theorem assumes: {@code θ ← θ − H⁻¹ ∇L_b(θ; D)} (float64, conjugate gradients), at most
     * {@code maxSteps} times, stopping when a step no longer lowers ‖∇L_b‖ at the float32 weights.
     * Mini-batch training leaves a gradient that the first removal would otherwise have to correct
     * (inflating its residual bound by the square of that correction); call this once after training
     * with {@link #perturbedObjective} at the same {@code config} and σ. Returns ‖∇L_b(θ; D)‖ at the
     * final weights.
     */
    public static double polish(ModelHandle model, RecordSet trainingSet, TrainConfig config, double sigma, int maxSteps,
                                Cancellation cancellation) {
        double lambda = requireL2Logreg(model, config);
        try (NDManager work = model.manager().newSubManager()) {
            NDArray b = perturbationMatrix(model, config.seed(), sigma, work);
            NDArray theta = Linear.theta(model, work);
            RegularisedLoss loss = new RegularisedLoss(trainingSet, theta.getShape(), lambda, work);
            NDArray gradient = loss.gradient(theta).addi(b);
            double residual = gradient.norm().getDouble();
            for (int step = 0; step < maxSteps; step++) {
                NDArray updated = theta.add(loss.newtonStep(loss.probabilities(theta), gradient, residual * 1e-4, cancellation));
                NDArray rounded = updated.toType(DataType.FLOAT32, false).toType(DataType.FLOAT64, false);
                NDArray nextGradient = loss.gradient(rounded).addi(b);
                double next = nextGradient.norm().getDouble();
                if (!(next < residual)) {
                    break;
                }
                Linear.write(model, rounded);
                theta = rounded;
                gradient = nextGradient;
                residual = next;
            }
            return residual;
        }
    }

    /** λ of {@code config}, after checking that {@code model} is a logreg trained with L2 regularisation. */
    private static double requireL2Logreg(ModelHandle model, TrainConfig config) {
        if (model.spec().architecture() != Architecture.LOGREG) {
            throw new IllegalArgumentException("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0); "
                    + model.spec().name() + " is not one — use another method, or retrain");
        }
        double lambda = config.weightDecay();
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("certified: needs a logreg model trained with L2 regularisation (weight decay λ > 0);"
                    + " the original was trained with weight decay " + lambda);
        }
        return lambda;
    }

    /** Newton steps {@link #polish} takes at most after training. */
    public static final int POLISH_STEPS = 5;

    /** The solve stops once ‖H v − g‖ is this share of the budget (so the solve spends about 1 % of it). */
    static final double SOLVE_TOLERANCE = 1e-2;
    static final int MAX_SOLVE_ITERATIONS = 2_000;

    /** b in θ's layout ({@code K × (d+1)}, float64), from {@link #perturbation}. */
    private static NDArray perturbationMatrix(ModelHandle model, long trainingSeed, double sigma, NDManager into) {
        float[][] perParameter = perturbation(model, trainingSeed, sigma);
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
        return Linear.join(w, bias);
    }

    /** The weights of a logreg model as θ = [W | b] ({@code K × (d+1)}, row k = class k), in float64. */
    private static final class Linear {

        private Linear() {
        }

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

        static NDArray join(NDArray w, NDArray bias) {
            return w.concat(bias.reshape(-1, 1), 1).toType(DataType.FLOAT64, false);
        }

        /** Rounds θ to float32 into the model's weight and bias. */
        static void write(ModelHandle model, NDArray theta) {
            long inputs = theta.getShape().get(1) - 1;
            for (Pair<String, Parameter> p : model.parameters()) {
                NDArray a = p.getValue().getArray();
                NDArray part = p.getKey().endsWith("weight") ? theta.get(":, :" + inputs) : theta.get(":, " + inputs);
                a.set(FloatBuffer.wrap(part.toType(DataType.FLOAT32, false).toFloatArray()));
            }
        }
    }

    /**
     * The unperturbed, regularised training objective of a logreg model on one record set,
     * {@code Σ ℓ(θ x̃_i, y_i) + (λ n / 2)‖θ‖²}, with its gradient, Hessian-vector products at given
     * softmax outputs P and the terms of the residual bound — all as DJL tensor operations in float64,
     * none of them forming the {@code K(d+1)}² Hessian.
     */
    private static final class RegularisedLoss {

        private final NDArray inputs;        // n × (d+1): x̃_i = [x_i; 1]
        private final NDArray inputs32;      // the same in float32, for the many products inside the solve
        private final NDArray oneHot;        // n × K
        private final double regularisation; // λ n

        RegularisedLoss(RecordSet set, Shape thetaShape, double lambda, NDManager into) {
            int size = set.size();
            this.regularisation = lambda * size;
            NDManager manager = into.newSubManager();
            long k = thetaShape.get(0);
            long d = thetaShape.get(1);
            if (size == 0) {
                inputs = manager.zeros(new Shape(0, d), DataType.FLOAT64);
                inputs32 = manager.zeros(new Shape(0, d), DataType.FLOAT32);
                oneHot = manager.zeros(new Shape(0, k), DataType.FLOAT64);
                return;
            }
            inputs32 = manager.create(set.featuresView(), new Shape(size, d - 1)).concat(manager.ones(new Shape(size, 1)), 1);
            inputs = inputs32.toType(DataType.FLOAT64, false);
            long[] labels = new long[size];
            for (int i = 0; i < size; i++) {
                labels[i] = set.label(i);
            }
            oneHot = manager.create(labels).oneHot((int) k).toType(DataType.FLOAT64, false);
        }

        /** P: the softmax outputs at θ, {@code n × K}. */
        NDArray probabilities(NDArray theta) {
            return inputs.matMul(theta.transpose()).softmax(1);
        }

        /** ∇ = (P − Y)ᵀ X̃ + λ n θ. */
        NDArray gradient(NDArray theta) {
            return probabilities(theta).sub(oneHot).transpose().matMul(inputs).addi(theta.mul(regularisation));
        }

        /**
         * −H⁻¹ g at the outputs P, by Jacobi-preconditioned conjugate gradients to a residual of
         * {@code tolerance}. The products inside the solve run in float32 (half the memory traffic
         * of float64, and MKL's faster kernels); the caller measures the residual of the result in
         * float64, and that is what the bound counts.
         */
        NDArray newtonStep(NDArray p, NDArray g, double tolerance, Cancellation cancellation) {
            NDArray p32 = p.toType(DataType.FLOAT32, false);
            NDArray diagonal = p32.mul(p32.neg().add(1)).transpose().matMul(inputs32.square()).add(regularisation);
            return ConjugateGradient.solve(v -> hessianTimes(inputs32, p32, v), diagonal, g.toType(DataType.FLOAT32, false), tolerance,
                    MAX_SOLVE_ITERATIONS, cancellation).toType(DataType.FLOAT64, false).neg();
        }

        /** H v at the outputs P, in float64. */
        NDArray hessianTimes(NDArray p, NDArray v) {
            return hessianTimes(inputs, p, v);
        }

        /** H v = Σ_i (diag(p_i) − p_i p_iᵀ)(V x̃_i) x̃_iᵀ + λ n V, one pass over the records (in the type of {@code x}). */
        private NDArray hessianTimes(NDArray x, NDArray p, NDArray v) {
            try (NDScope scope = new NDScope()) {
                NDArray pdz = p.mul(x.matMul(v.transpose()));
                NDArray m = pdz.sub(p.mul(pdz.sum(new int[]{1}, true)));
                NDArray out = m.transpose().matMul(x).addi(v.mul(regularisation));
                NDScope.unregister(out);
                return out;
            }
        }

        /** Σ_i ‖x̃_i‖ ‖Δz_i‖² with Δz_i = V x̃_i: the Taylor remainder of the step (before γ/2). */
        double taylorRemainder(NDArray step) {
            return inputs.square().sum(new int[]{1}).sqrt().mul(inputs.matMul(step.transpose()).square().sum(new int[]{1})).sum().getDouble();
        }

    }
}
