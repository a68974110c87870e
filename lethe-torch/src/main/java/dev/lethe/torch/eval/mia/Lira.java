package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.StageProgress;
import dev.lethe.torch.train.TrainConfig;

import java.util.List;

/**
 * The Likelihood Ratio Attack, LiRA (Carlini et al. 2022, "Membership Inference Attacks From First
 * Principles"), online and offline.
 *
 * <p>The population is the records under test (members ∪ non-members), optionally with more records that
 * only enlarge the shadows' training sets ({@link #runBoth(ModelHandle, RecordSet, RecordSet, RecordSet)}). {@code K} shadow models of the
 * target's spec and training configuration are trained, each on a seeded random half of it, balanced
 * so that every record is IN exactly ⌊K/2⌋ of them ({@link ShadowModels#balancedHalves}). For each
 * record, φ = log(p_y / (1 − p_y)) ({@link AttackFeatures#logitConfidence}) is collected from the
 * models it was IN (φ_in) and OUT (φ_out) of, and Gaussians are fitted per record: means per record,
 * variance per record or pooled ({@link Options#globalVariance}, Carlini et al.'s choice for few shadows).
 * For the target's φ:
 * <ul>
 *   <li>online: score = log N(φ; μ_in, σ²_in) − log N(φ; μ_out, σ²_out), the log likelihood ratio;</li>
 *   <li>offline: score = (φ − μ_out) / σ_out — the one-sided test Λ = Pr[Z &lt; φ], Z ~ N(μ_out, σ²_out), is a
 *       monotone function of it, so the ROC is the same and no precision is lost in the tail.</li>
 * </ul>
 * Higher = more likely a member. Keep K small (8 by default) and models small: each shadow is a full
 * training run.
 */
public final class Lira implements MembershipInferenceAttack {

    /** Which score {@link #run} reports. */
    public enum Variant { ONLINE, OFFLINE }

    /**
     * LiRA's shadow count, variance model and seed.
     *
     * @param shadows K, the number of shadow models (at least 2)
     * @param globalVariance pool the variance over records (recommended below ~64 shadows)
     * @param seed every draw (halves, initialisations, shuffles) derives from it
     */
    public record Options(int shadows, boolean globalVariance, long seed) {
        public Options {
            if (shadows < 2) {
                throw new IllegalArgumentException("LiRA needs at least 2 shadow models, got " + shadows);
            }
        }

        /** 8 shadows, pooled variance. */
        public static Options defaults(long seed) {
            return new Options(8, true, seed);
        }
    }

    private final TrainConfig config;
    private final Options options;
    private final Variant variant;
    private StageProgress progress = StageProgress.NONE;

    /**
     * @param config how the target was trained (the shadows are trained the same way, with their own seeds)
     * @param options shadows, variance and seed
     * @param variant which score {@link #run} reports ({@link #runBoth} gives both)
     */
    public Lira(TrainConfig config, Options options, Variant variant) {
        this.config = config;
        this.options = options;
        this.variant = variant;
    }

    /** Shows each shadow training run on {@code newProgress} (none by default); returns this attack. */
    public Lira progress(StageProgress newProgress) {
        this.progress = java.util.Objects.requireNonNull(newProgress);
        return this;
    }

    @Override
    public String name() {
        return variant == Variant.ONLINE ? "lira-online" : "lira-offline";
    }

    @Override
    public AttackResult run(ModelHandle target, RecordSet members, RecordSet nonMembers) {
        LiraResult both = runBoth(target, members, nonMembers);
        return variant == Variant.ONLINE ? both.online() : both.offline();
    }

    /** Trains the shadows once and scores both variants; the population is members ∪ non-members. */
    public LiraResult runBoth(ModelHandle target, RecordSet members, RecordSet nonMembers) {
        return runBoth(target, members, nonMembers, null);
    }

    /**
     * Trains the shadows once and scores both variants, on a population of members ∪ non-members ∪
     * {@code otherPopulation} (records that are scored by no one but make the shadows' training sets as
     * large as the target's, e.g. the rest of its training set when the members are a small forget
     * set; may be null). The three sets must be disjoint.
     */
    public LiraResult runBoth(ModelHandle target, RecordSet members, RecordSet nonMembers, RecordSet otherPopulation) {
        RecordSet population = RecordSet.concat("lira-population", otherPopulation == null || otherPopulation.size() == 0
                ? List.of(members, nonMembers) : List.of(members, nonMembers, otherPopulation));
        int n = members.size() + nonMembers.size();
        int k = options.shadows();
        boolean[][] in = ShadowModels.balancedHalves(population, k, Seeds.derive(options.seed(), "lira-halves"));
        double[][] phi = new double[k][];
        for (int s = 0; s < k; s++) {
            RecordSet half = ShadowModels.subset(population, in[s], true, "lira-shadow-" + s);
            try (ModelHandle shadow = ShadowModels.train(target.spec(), config, half, Seeds.derive(options.seed(), "lira-shadow", s),
                    progress.stage("shadow " + (s + 1) + "/" + k))) {
                phi[s] = phis(shadow, population);
            }
        }
        double[] observed = phis(target, population);
        double[][] phiIn = new double[n][];
        double[][] phiOut = new double[n][];
        for (int i = 0; i < n; i++) {
            int inCount = 0;
            for (int s = 0; s < k; s++) {
                inCount += in[s][i] ? 1 : 0;
            }
            phiIn[i] = new double[inCount];
            phiOut[i] = new double[k - inCount];
            int a = 0;
            int b = 0;
            for (int s = 0; s < k; s++) {
                if (in[s][i]) {
                    phiIn[i][a++] = phi[s][i];
                } else {
                    phiOut[i][b++] = phi[s][i];
                }
            }
        }
        double pooledIn = Gaussians.pooledVariance(phiIn);
        double pooledOut = Gaussians.pooledVariance(phiOut);
        double[] online = new double[n];
        double[] offline = new double[n];
        for (int i = 0; i < n; i++) {
            double varIn = options.globalVariance() ? pooledIn : Math.max(Gaussians.MIN_VARIANCE, Gaussians.variance(phiIn[i]));
            double varOut = options.globalVariance() ? pooledOut : Math.max(Gaussians.MIN_VARIANCE, Gaussians.variance(phiOut[i]));
            double muIn = Gaussians.mean(phiIn[i]);
            double muOut = Gaussians.mean(phiOut[i]);
            online[i] = Gaussians.logDensity(observed[i], muIn, varIn) - Gaussians.logDensity(observed[i], muOut, varOut);
            offline[i] = (observed[i] - muOut) / Math.sqrt(varOut);
        }
        int m = members.size();
        return new LiraResult(
                AttackResult.of("lira-online", java.util.Arrays.copyOfRange(online, 0, m), java.util.Arrays.copyOfRange(online, m, n)),
                AttackResult.of("lira-offline", java.util.Arrays.copyOfRange(offline, 0, m), java.util.Arrays.copyOfRange(offline, m, n)),
                k);
    }

    /** φ of every record of {@code records} under {@code model}. */
    static double[] phis(ModelHandle model, RecordSet records) {
        float[][] logits = ModelOutputs.logits(model, records);
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = AttackFeatures.logitConfidence(logits[i], records.label(i));
        }
        return out;
    }
}
