package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.method.Guarantee;
import dev.lethe.torch.method.MethodBase;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.method.TrainingHook;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.model.LogregFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TrainConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code certified}: certified data removal by one Newton step (Guo, Goldstein, Hannun and van der
 * Maaten 2020, "Certified Data Removal from Machine Learning Models", ICML). For an L2-regularised
 * linear model trained with objective perturbation, the step leaves a model that is
 * (ε, δ)-indistinguishable from one trained without the removed records, as long as the gradient
 * residual it leaves stays inside the budget that the perturbation buys.
 *
 * <p>When to use it: a {@code logreg} model trained with weight decay λ > 0 on the one-vs-rest
 * objective of {@link #perturbedObjective} and then {@link #polish}ed to its exact minimiser
 * ({@code lethe train --model logreg --weight-decay λ --perturbation σ} does both), when a deletion
 * must come with a provable bound and retraining is too slow. Anything else is refused: an MLP or
 * CNN, and a removal whose bound exceeds what is left of the budget (both {@link IllegalArgumentException}, naming
 * what is left — retrain instead).
 *
 * <p>The model, the paper's own MNIST setting: K independent one-vs-rest binary logistic
 * regressions, {@code θ = [W | b]} ({@code K × (d+1)}, row k the classifier of class k),
 * {@code x̃ = [x; 1]}, {@code y_ik = ±1}; prediction stays the argmax of the logits. Scaled by n, what
 * mini-batch training of the mean loss, weight decay λ (applied by the optimizer to weights and bias)
 * and the term {@code bᵀθ/n} minimises is
 * <pre>
 *   L_b(θ; D) = Σ_k L_k(θ_k),   L_k(w) = Σ_{i∈D} log(1 + exp(−y_ik wᵀx̃_i)) + (λ n / 2) ‖w‖² + b_kᵀ w,   b ~ N(0, σ²)^{K(d+1)}
 * </pre>
 * Removing the records X (m of them) leaves D' with n' = n − m. The removal is, per class,
 * <pre>
 *   θ⁻_k = θ_k + v_k,   H'_k v_k = −∇_k L_b(θ; D'),   H'_k = Σ_{D'} s_ik x̃_i x̃_iᵀ + λ n' I
 * </pre>
 * (the paper's {@code θ + H⁻¹Δ}; using the gradient on D' itself, rather than assuming θ minimises
 * {@code L_b(·; D)} exactly, also corrects what training left). {@link #prepare} caches, once per
 * trained model, {@code ∇L_b(θ; D)}, the Hessians {@code H_k} on D with their inverses and the
 * norm-weighted Gram matrix {@code C_w = X̃ᵀ diag(‖x̃_i‖) X̃} ({@link RemovalState}); a removal then
 * touches only X: {@code ∇L_b(θ; D') = ∇L_b(θ; D) − Σ_X ∇ℓ_i(θ) − λ m θ} (exact algebra), and
 * {@code H'_k} is H_k downdated by X and solved through the cached inverse ({@link DowndatedHessian}:
 * Woodbury identity plus iterative refinement). Without a prepared state, the removal prepares on
 * retain ∪ forget first (the same result, slower). On MNIST a removal takes 20–40 ms, the preparation
 * ~18 s once per model (docs/BENCHMARKS.md); {@code lethe train --perturbation} keeps the state next
 * to the model file ({@link #writePrepared}, {@link #readPrepared}).
 *
 * <p>The gradient residual bound β on ‖∇L_b(θ⁻₃₂; D')‖ at the weights actually stored (θ⁻ rounded
 * to float32; u = θ⁻₃₂ − θ, computed exactly): per class, by Taylor's theorem in integral form,
 * <pre>
 *   ∇_k L_b(θ + u; D') = ∇_k L_b(θ; D') + H'_k u_k + Σ_{i∈D'} r_i x̃_i,
 *   r_i = ∫₀¹ (ℓ''(z_i + t a_i) − ℓ''(z_i)) a_i dt,   a_i = x̃_iᵀ u_k,   |r_i| ≤ (γ/2) a_i²
 * </pre>
 * with ℓ'' γ-Lipschitz ({@link #GAMMA} = 1/(6√3), the exact constant for the logistic loss; the
 * paper's 1/4 is looser), so, by the triangle inequality per class and then the norm over the K
 * independent classifiers (the joint gradient is their concatenation),
 * <pre>
 *   β_k = ‖∇_k L_b(θ; D') + H'_k u_k‖ + (γ/2) Σ_{i∈D'} ‖x̃_i‖ (x̃_iᵀu_k)²,     β = √(Σ_k β_k²)
 * </pre>
 * The first term is what the solve and the float32 rounding leave, computed exactly in float64 from
 * the cached H; the second is {@code (γ/2)(u_kᵀ C_w u_k − Σ_{i∈X} ‖x̃_i‖ (x̃_iᵀu_k)²)}, exact from the
 * cache. It is the same argument as the paper's Corollary 1 ({@code γ ‖X‖₂ ‖H⁻¹Δ‖ ‖XH⁻¹Δ‖}, which
 * assumes ‖x̃_i‖ ≤ 1, far from MNIST's 784 pixels in [0, 1]), bounding {@code ‖Σ r_i x̃_i‖ ≤ Σ |r_i| ‖x̃_i‖} instead of
 * {@code ‖X‖₂ ‖r‖}: never larger than the corollary's form with the record norms put back
 * ({@code Σ ‖x̃_i‖ a_i² ≤ max‖x̃_i‖ ‖Xu‖² ≤ ‖X‖₂ ‖u‖ ‖Xu‖ max‖x̃_i‖}), and on MNIST within 2× of the
 * residual measured over all of D'. Removals from the same trained model add up: the option
 * {@code priorResidual} carries the β of earlier removals.
 *
 * <p>The budget (Theorem 3): with {@code c = √(2 ln(1.5/δ))}, the removal is (ε, δ)-certified when
 * {@code priorResidual + β ≤ σ ε / c}. Otherwise the run refuses. A certified run reports through
 * {@link UnlearningContext#report()}: {@code certified.residualBound} (accumulated β),
 * {@code certified.budget}, {@code certified.epsilonSpent} ({@code c · β / σ}),
 * {@code certified.delta}, {@code certified.residualBefore} (‖∇L_b(θ; D')‖, what the step corrected),
 * {@code certified.trainingResidual} (‖∇L_b(θ; D)‖ of the original), {@code certified.removed} and
 * {@code certified.remaining}. The residual measured at the result needs a pass over D' and is not
 * part of a removal; {@link #gradientNorm} computes it.
 *
 * <p>Requirements the method cannot fully check: {@code data.retain()} must be D' exactly (its size is
 * checked against the prepared n − m), and the original must have been trained on D' ∪ X with
 * {@link #perturbedObjective} at the same σ and the configuration in {@code context.original()}
 * (whose seed gives b and whose weight decay is λ).
 */
public final class CertifiedRemoval extends MethodBase<CertifiedRemoval.Options> {

    public static final String NAME = "certified";

    /**
     * Lipschitz constant of the logistic loss's second derivative {@code ℓ'' = σ(1 − σ)}: the largest
     * {@code |ℓ'''| = |σ(1 − σ)(1 − 2σ)|}, at {@code σ = (3 − √3)/6}, is {@code 1/(6√3) ≈ 0.0962}
     * (Guo et al. use the looser 1/4).
     */
    static final double GAMMA = 1 / (6 * Math.sqrt(3));

    /** Newton steps {@link #polish} takes at most after training. */
    public static final int POLISH_STEPS = 5;

    /** The removal's solve stops once ‖H'v + ∇‖ is this share of the budget. */
    static final double SOLVE_TOLERANCE = 1e-3;
    static final int MAX_REFINEMENTS = 5;
    static final int MAX_SOLVE_ITERATIONS = 2_000;

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
        super(NAME, "one Newton step with an (ε, δ) certificate, for L2-regularised one-vs-rest logreg (Guo et al. 2020)",
                Guarantee.CERTIFIED, new Options(1.0, 1e-4, 10.0, 0.0), Options.class);
    }

    /**
     * The training objective a model must have been trained with for a removal to be certified: the
     * one-vs-rest logistic loss, summed over the K classes and averaged over the batch,
     * {@code mean_i Σ_k log(1 + exp(−y_ik z_ik))} with {@code y_ik = +1} for the record's label and −1
     * otherwise, plus {@code bᵀθ / n}, b drawn from {@code N(0, σ²)} with the seed of {@code config}
     * (so the removal can draw the same b). Train with {@code config} (its weight decay is λ) over the
     * {@code trainingSize} records.
     */
    public static Objective perturbedObjective(TrainConfig config, double sigma, int trainingSize) {
        float[][][] cache = new float[1][][];
        return (model, batch) -> {
            NDArray logits = model.forward(batch.features(), true);
            NDArray signs = Scalars.mul(batch.labels().oneHot(Math.toIntExact(logits.getShape().get(1))).toType(logits.getDataType(), false), 2)
                    .sub(1);
            NDArray loss = Activation.softPlus(logits.mul(signs).neg()).sum(new int[]{1}).mean();
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
                loss = loss.add(Scalars.div(w.mul(b).sum(), trainingSize));
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

    /**
     * Caches what every removal from {@code original} needs and that does not depend on the forget set
     * ({@link RemovalState}: the gradient, the K Hessians and their inverses, the Gram matrix, on all of
     * {@code training}); one pass over the data and K products of {@code (d+1) × n × (d+1)}.
     */
    @Override
    public Optional<String> whyNotOnOpaqueModules() {
        return Optional.of("it certifies Lethe's own logreg, whose per-class Hessians it computes in closed form");
    }

    @Override
    public Optional<Prepared> prepare(ModelHandle original, RecordSet training, UnlearningContext context, Options options) {
        requireL2Logreg(original, context.original());
        return Optional.of(RemovalState.prepare(original, training, context.original(), options.perturbation()));
    }

    /**
     * Training with objective perturbation σ ({@link #perturbedObjective}), polishing ({@link #polish}), the
     * prepared state kept next to the model file, and σ read back from the stored training.
     */
    @Override
    public TrainingHook trainingHook() {
        return new CertifiedTraining();
    }

    /** Where a store keeps the prepared state of the model file {@code modelFile} (relative to the store root). */
    public static String stateFileName(String modelFile) {
        return modelFile + ".certified";
    }

    /**
     * Writes a state that {@link #prepare} made to {@code out}, for the stored model file whose
     * SHA-256 is {@code modelDigest} ({@code lethe train --perturbation} keeps it next to the model).
     */
    public static void writePrepared(Prepared state, OutputStream out, String modelDigest) throws IOException {
        ((RemovalState) state).write(out, modelDigest);
    }

    /**
     * The state {@link #writePrepared} wrote, for {@code model} loaded from the file whose SHA-256 is
     * {@code modelDigest}; empty when it was written for another model file.
     */
    public static Optional<Prepared> readPrepared(ModelHandle model, InputStream in, String modelDigest) throws IOException {
        return RemovalState.read(model, in, modelDigest).map(Prepared.class::cast);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        requireL2Logreg(original, context.original());
        if (data.forget().size() == 0) {
            throw new IllegalArgumentException("certified: the forget set is empty; nothing to remove");
        }
        double c = Math.sqrt(2 * Math.log(1.5 / options.delta()));
        double budget = options.perturbation() * options.epsilon() / c;
        Optional<RemovalState> given = context.prepared(NAME, original, RemovalState.class);
        RemovalState state = given.isPresent() ? given.get().requireSame(options.perturbation(), context.original())
                : RemovalState.prepare(original, RecordSet.concat("certified-data", List.of(data.retain(), data.forget())),
                context.original(), options.perturbation());
        try (NDManager work = model.manager().newSubManager()) {
            if (state.size() - data.forget().size() != data.retain().size()) {
                throw new IllegalArgumentException("certified: the state was prepared on " + state.size() + " records but retain ("
                        + data.retain().size() + ") and forget (" + data.forget().size() + ") do not add up to them");
            }
            NewtonRemoval removal = NewtonRemoval.of(state, data.forget(), SOLVE_TOLERANCE * budget, context.cancellation(), work);
            double accumulated = options.priorResidual() + removal.bound();
            if (!(accumulated <= budget)) {
                // bad input rather than a failure: the request asks for more than the certificate has left
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "certified: removing these %d records needs a residual bound of %.4g, and %.4g of the budget %.4g for ε=%s,"
                                + " δ=%s (σ=%s) is left (earlier removals spent %.4g); remove fewer records, or retrain the store"
                                + " (lethe train --replace) to remove more", data.forget().size(), removal.bound(),
                        Math.max(0, budget - options.priorResidual()), budget, options.epsilon(), options.delta(),
                        options.perturbation(), options.priorResidual()));
            }
            LogregWeights.write(model, removal.weights());
            context.report().put("certified.removed", data.forget().size());
            context.report().put("certified.residualBound", accumulated);
            context.report().put("certified.budget", budget);
            context.report().put("certified.epsilonSpent", options.perturbation() == 0 ? 0.0 : c * accumulated / options.perturbation());
            context.report().put("certified.delta", options.delta());
            context.report().put("certified.residualBefore", removal.residualBefore());
            context.report().put("certified.trainingResidual", state.trainingResidual());
            context.report().put("certified.remaining", data.retain().size());
        } finally {
            if (given.isEmpty()) {
                state.close();
            }
        }
    }

    /**
     * Newton refinement of a trained logreg to the exact minimiser of {@code L_b(·; D)} that the
     * theorem assumes: {@code θ ← θ − H⁻¹ ∇L_b(θ; D)} (the K one-vs-rest blocks at once, float64
     * gradients, conjugate gradients with float32 Hessian-vector products), at most {@code maxSteps}
     * times, stopping when a step no longer lowers ‖∇L_b‖ at the float32 weights. Mini-batch training
     * leaves a gradient that the first removal would otherwise have to correct; call this once after
     * training with {@link #perturbedObjective} at the same {@code config} and σ. Returns
     * ‖∇L_b(θ; D)‖ at the final weights.
     */
    public static double polish(ModelHandle model, RecordSet trainingSet, TrainConfig config, double sigma, int maxSteps,
                                Cancellation cancellation) {
        double lambda = requireL2Logreg(model, config);
        try (NDManager work = model.manager().newSubManager()) {
            NDArray b = LogregWeights.perturbation(model, config.seed(), sigma, work);
            NDArray theta = LogregWeights.theta(model, work);
            OneVsRestLoss loss = new OneVsRestLoss(trainingSet, theta.getShape(), lambda, work);
            NDArray p = loss.probabilities(theta);
            NDArray gradient = loss.gradient(p, theta).addi(b);
            double residual = gradient.norm().getDouble();
            for (int step = 0; step < maxSteps; step++) {
                NDArray updated = LogregWeights.rounded(theta.add(loss.newtonStep(p, gradient, residual * 1e-4, MAX_SOLVE_ITERATIONS,
                        cancellation)));
                NDArray nextP = loss.probabilities(updated);
                NDArray nextGradient = loss.gradient(nextP, updated).addi(b);
                double next = nextGradient.norm().getDouble();
                if (!(next < residual)) {
                    break;
                }
                LogregWeights.write(model, updated);
                theta = updated;
                p = nextP;
                gradient = nextGradient;
                residual = next;
            }
            return residual;
        }
    }

    /**
     * ‖∇L_b(θ; D)‖ of {@code model} on {@code set} (n = its size), in float64: one pass over the
     * records. What a removal's bound promises about its result, measured (tests, reports outside the
     * removal's timing).
     */
    public static double gradientNorm(ModelHandle model, RecordSet set, TrainConfig config, double sigma) {
        double lambda = requireL2Logreg(model, config);
        try (NDManager work = model.manager().newSubManager()) {
            NDArray theta = LogregWeights.theta(model, work);
            return new OneVsRestLoss(set, theta.getShape(), lambda, work).gradient(theta)
                    .addi(LogregWeights.perturbation(model, config.seed(), sigma, work)).norm().getDouble();
        }
    }

    /** λ of {@code config}, after checking that {@code model} is a logreg trained with L2 regularisation. */
    private static double requireL2Logreg(ModelHandle model, TrainConfig config) {
        if (!(model.spec().family() instanceof LogregFamily)) {
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
}
