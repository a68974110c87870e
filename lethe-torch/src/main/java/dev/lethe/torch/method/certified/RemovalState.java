package dev.lethe.torch.method.certified;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.train.TrainConfig;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@link CertifiedRemoval} prepares once per trained model θ on its training data D (n records),
 * all float64, so that a removal never passes over D (Guo et al. 2020, §3: the Hessian "can be
 * computed and stored" before removals):
 * <pre>
 *   g      = ∇L_b(θ; D)                              K × (d+1)
 *   H_k    = X̃ᵀ diag(s_k) X̃ + λ n I                  K × (d+1) × (d+1),  s_ik = σ(θ_kᵀx̃_i)(1 − σ(θ_kᵀx̃_i))
 *   H_k⁻¹                                             ({@link NewtonSchulz}, to ‖I − H_k X‖_F ≤ 10⁻¹⁰)
 *   C_w    = X̃ᵀ diag(‖x̃_i‖) X̃                       (d+1) × (d+1), for the bound on the Taylor remainder
 * </pre>
 * On MNIST: 2 × 10 × 785² doubles (99 MB) and one 785² matrix. It holds for the model, σ, seed and λ
 * it was made with; a removal with other ones is refused. {@link #write} and {@link #read} keep it
 * next to a stored model version, tagged with the model file's digest.
 */
final class RemovalState implements Prepared {

    static final double INVERSE_TOLERANCE = 1e-10;
    private static final String FORMAT = "lethe-certified-state-1";
    static final int MAX_INVERSE_ITERATIONS = 60;

    private final ModelHandle model;
    private final double sigma;
    private final long seed;
    private final double lambda;
    private final int size;
    private final NDArray theta;
    private final NDArray gradient;
    private final NDArray hessians;
    private final NDArray inverses;
    private final NDArray weightedGram;
    private final double trainingResidual;
    private final NDManager manager;

    private RemovalState(ModelHandle model, double sigma, long seed, double lambda, int size, NDArray theta, NDArray gradient,
                         NDArray hessians, NDArray inverses, NDArray weightedGram, NDManager manager) {
        this.model = model;
        this.sigma = sigma;
        this.seed = seed;
        this.lambda = lambda;
        this.size = size;
        this.theta = theta;
        this.gradient = gradient;
        this.hessians = hessians;
        this.inverses = inverses;
        this.weightedGram = weightedGram;
        try (NDArray norm = gradient.norm()) {
            this.trainingResidual = norm.getDouble();
        }
        this.manager = manager;
    }

    /** The state of {@code model} (a logreg trained with λ = {@code config.weightDecay()} > 0) on {@code training}. */
    static RemovalState prepare(ModelHandle model, RecordSet training, TrainConfig config, double sigma) {
        double lambda = config.weightDecay();
        NDManager manager = model.manager().newSubManager();
        try {
            NDArray theta = LogregWeights.theta(model, manager);
            NDArray b = LogregWeights.perturbation(model, config.seed(), sigma, manager);
            try (NDManager scratch = manager.newSubManager()) {
                OneVsRestLoss loss = new OneVsRestLoss(training, theta.getShape(), lambda, scratch);
                NDArray p = loss.probabilities(theta);
                NDArray gradient = loss.gradient(p, theta).addi(b);
                int width = Math.toIntExact(theta.getShape().get(1));
                NDArray hessians = loss.curvatureGrams(p).addi(Scalars.mul(scratch.eye(width, width, 0, DataType.FLOAT64), lambda * training.size()));
                NDArray inverses = NewtonSchulz.inverse(hessians, INVERSE_TOLERANCE, MAX_INVERSE_ITERATIONS);
                NDArray weightedGram = loss.normWeightedGram();
                for (NDArray a : new NDArray[]{gradient, hessians, inverses, weightedGram}) {
                    a.attach(manager);
                }
                b.close();
                return new RemovalState(model, sigma, config.seed(), lambda, training.size(), theta, gradient, hessians, inverses,
                        weightedGram, manager);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Writes this state after a header naming {@code modelDigest}, the digest of the stored model file
     * it belongs to (θ itself is not written: {@link #read} takes it from the model).
     */
    void write(OutputStream out, String modelDigest) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeUTF(FORMAT);
        data.writeUTF(modelDigest);
        data.writeDouble(sigma);
        data.writeLong(seed);
        data.writeDouble(lambda);
        data.writeInt(size);
        data.flush();
        new NDList(gradient, hessians, inverses, weightedGram).encode(out);
    }

    /** The state {@link #write} wrote for {@code model}, or empty when it was written for another model file than {@code modelDigest}. */
    static Optional<RemovalState> read(ModelHandle model, InputStream in, String modelDigest) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (!FORMAT.equals(data.readUTF())) {
            throw new IOException("not a " + FORMAT + " file");
        }
        if (!modelDigest.equals(data.readUTF())) {
            return Optional.empty();
        }
        double sigma = data.readDouble();
        long seed = data.readLong();
        double lambda = data.readDouble();
        int size = data.readInt();
        NDManager manager = model.manager().newSubManager();
        try {
            NDList arrays = NDList.decode(manager, in);
            return Optional.of(new RemovalState(model, sigma, seed, lambda, size, LogregWeights.theta(model, manager), arrays.get(0),
                    arrays.get(1), arrays.get(2), arrays.get(3), manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Refuses a removal whose σ, seed or λ differ from those this state was prepared with. */
    RemovalState requireSame(double runSigma, TrainConfig config) {
        if (runSigma != sigma || config.seed() != seed || config.weightDecay() != lambda) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "certified: the state was prepared with σ=%s, seed=%d, λ=%s but this run asks for σ=%s, seed=%d, λ=%s;"
                            + " prepare it again", sigma, seed, lambda, runSigma, config.seed(), (double) config.weightDecay()));
        }
        return this;
    }

    @Override
    public String method() {
        return CertifiedRemoval.NAME;
    }

    @Override
    public ModelHandle model() {
        return model;
    }

    double lambda() {
        return lambda;
    }

    /** n, the number of training records. */
    int size() {
        return size;
    }

    NDArray theta() {
        return theta;
    }

    /** ∇L_b(θ; D). */
    NDArray gradient() {
        return gradient;
    }

    /** ‖∇L_b(θ; D)‖: how far the original is from the exact minimiser the theorem assumes. */
    double trainingResidual() {
        return trainingResidual;
    }

    /** H_k = G_k + λ n I for every class. */
    NDArray hessians() {
        return hessians;
    }

    NDArray inverses() {
        return inverses;
    }

    /** {@code C_w = X̃ᵀ diag(‖x̃_i‖) X̃} of D. */
    NDArray weightedGram() {
        return weightedGram;
    }

    @Override
    public void close() {
        manager.close();
    }
}
