package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.StageProgress;
import dev.lethe.torch.train.TrainConfig;

import java.util.List;
import java.util.Map;

/**
 * U-LiRA (Hayes et al. 2024, "Inexact Unlearning Needs More Careful Evaluations to Avoid a False Sense
 * of Privacy"): can an attacker tell a model that was trained on the forget set and then unlearned
 * from one that was retrained without it?
 *
 * <p>For each of K shadow pairs k, with a seeded random half R_k of the pool as retain set and the
 * forget set F in every pair: an original model is trained on R_k ∪ F and unlearned with the method
 * (run from the {@link dev.lethe.torch.method.UnlearningMethods} registry through {@link UnlearningRun},
 * forget = F, retain = R_k, validation = the other half of the pool) — the "unlearned" model U_k; a model is trained from scratch on R_k — the
 * "retrained" model T_k. For each forget record x, φ = log(p_y/(1 − p_y)) is taken from every U_k and T_k.
 *
 * <p>Leave-one-pair-out: to score pair k, Gaussians are fitted per record on the other K − 1 pairs
 * (μ_unl(x), μ_ret(x); variance pooled over records or per record), and the likelihood ratio
 * Λ(x) = log N(φ; μ_unl, σ²_unl) − log N(φ; μ_ret, σ²_ret) is computed on U_k (a positive) and on T_k (a
 * negative). The AUC over all pairs and records is the attack's: 0.5 means the method is
 * indistinguishable from retraining on these records; {@code retrain} itself gets 0.5 up to noise.
 * Cost: K × (two trainings + one unlearning run); keep K and the model small.
 */
public final class ULira {

    /** The id in reports. */
    public static final String NAME = "u-lira";

    /**
     * U-LiRA's pair count, variance model and seed.
     *
     * @param shadows K, the number of shadow pairs (at least 3: each pair is scored from the others)
     * @param globalVariance pool the variance over records (recommended for few pairs)
     * @param seed every draw (halves, initialisations, shuffles, the method's seed) derives from it
     */
    public record Options(int shadows, boolean globalVariance, long seed) {
        public Options {
            if (shadows < 3) {
                throw new IllegalArgumentException("U-LiRA needs at least 3 shadow pairs, got " + shadows);
            }
        }

        /** 8 pairs, pooled variance. */
        public static Options defaults(long seed) {
            return new Options(8, true, seed);
        }
    }

    private final ModelSpec spec;
    private final TrainConfig config;
    private final Options options;
    private StageProgress progress = StageProgress.NONE;

    /**
     * @param spec the architecture of every shadow
     * @param config how originals and retrained models are trained (and the method's "original" configuration)
     * @param options pairs, variance, seed
     */
    public ULira(ModelSpec spec, TrainConfig config, Options options) {
        this.spec = spec;
        this.config = config;
        this.options = options;
    }

    /** Shows each shadow training run on {@code newProgress} (none by default); returns this attack. */
    public ULira progress(StageProgress newProgress) {
        this.progress = java.util.Objects.requireNonNull(newProgress);
        return this;
    }

    /** {@link #run(UnlearningMethod, Map, RecordSet, RecordSet)} for the registered method with this id. */
    public ULiraResult run(String methodId, Map<String, String> overrides, RecordSet forget, RecordSet pool) {
        return run(dev.lethe.torch.method.UnlearningMethods.get(methodId), overrides, forget, pool);
    }

    /**
     * Runs the attack for {@code method} with option overrides {@code overrides} (as {@code --opt} takes
     * them), forget set {@code forget}, and retain sets drawn from {@code pool} (disjoint from forget).
     */
    public ULiraResult run(UnlearningMethod<?> method, Map<String, String> overrides, RecordSet forget, RecordSet pool) {
        int k = options.shadows();
        int n = forget.size();
        double[][] unlearned = new double[k][];
        double[][] retrained = new double[k][];
        for (int s = 0; s < k; s++) {
            boolean[] half = ShadowModels.randomHalf(pool, Seeds.derive(options.seed(), "ulira-half", s));
            RecordSet retain = ShadowModels.subset(pool, half, true, "ulira-retain-" + s);
            RecordSet trainSet = RecordSet.concat("ulira-original-" + s, List.of(retain, forget));
            try (ModelHandle original = ShadowModels.train(spec, config, trainSet, Seeds.derive(options.seed(), "ulira-original", s),
                    progress.stage("pair " + (s + 1) + "/" + k + ", original"));
                 UnlearningRun run = UnlearningRun.run(method, overrides, original,
                         new UnlearningData(forget, retain, ShadowModels.subset(pool, half, false, "ulira-validation-" + s)),
                         UnlearningContext.of(Seeds.derive(options.seed(), "ulira-unlearn", s), config))) {
                unlearned[s] = Lira.phis(run.model(), forget);
            }
            try (ModelHandle retrain = ShadowModels.train(spec, config, retain, Seeds.derive(options.seed(), "ulira-retrain", s),
                    progress.stage("pair " + (s + 1) + "/" + k + ", retrained"))) {
                retrained[s] = Lira.phis(retrain, forget);
            }
        }
        double[] positives = new double[k * n];
        double[] negatives = new double[k * n];
        double gap = 0;
        for (int s = 0; s < k; s++) {
            double[][] u = othersPerRecord(unlearned, s, n);
            double[][] r = othersPerRecord(retrained, s, n);
            double pooledU = Gaussians.pooledVariance(u);
            double pooledR = Gaussians.pooledVariance(r);
            for (int i = 0; i < n; i++) {
                double varU = options.globalVariance() ? pooledU : Math.max(Gaussians.MIN_VARIANCE, Gaussians.variance(u[i]));
                double varR = options.globalVariance() ? pooledR : Math.max(Gaussians.MIN_VARIANCE, Gaussians.variance(r[i]));
                double muU = Gaussians.mean(u[i]);
                double muR = Gaussians.mean(r[i]);
                positives[s * n + i] = ratio(unlearned[s][i], muU, varU, muR, varR);
                negatives[s * n + i] = ratio(retrained[s][i], muU, varU, muR, varR);
                gap += unlearned[s][i] - retrained[s][i];
            }
        }
        return new ULiraResult(method.name(), AttackResult.of(NAME, positives, negatives), k, n, gap / (k * n));
    }

    private static double ratio(double phi, double muU, double varU, double muR, double varR) {
        return Gaussians.logDensity(phi, muU, varU) - Gaussians.logDensity(phi, muR, varR);
    }

    /** For each record, its φ values in every pair except {@code left}. */
    private static double[][] othersPerRecord(double[][] phi, int left, int n) {
        double[][] out = new double[n][phi.length - 1];
        for (int i = 0; i < n; i++) {
            int a = 0;
            for (int s = 0; s < phi.length; s++) {
                if (s != left) {
                    out[i][a++] = phi[s][i];
                }
            }
        }
        return out;
    }
}
