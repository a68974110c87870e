package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.StageProgress;
import dev.lethe.torch.train.TrainConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The shadow-model attack of Shokri et al. (2017), "Membership Inference Attacks Against Machine
 * Learning Models".
 *
 * <p>{@code K} shadow models of the target's spec and training configuration are trained, shadow k on
 * a seeded random half of a shadow pool (records from the target's distribution; ideally disjoint from
 * its training set). Each shadow's output on its own half is labelled "member", on the other half
 * "non-member". One attack model per true class ({@link AttackClassifier}, logistic regression by
 * default) learns member vs non-member from the sorted probability vector
 * ({@link AttackFeatures#sortedLogProbabilities}). The score of a target record is its class's attack
 * model's P(member) on the target's output. A class the pool gives no example of falls back to an
 * attack model trained on every class.
 */
public final class ShadowModelAttack implements MembershipInferenceAttack {

    /** The id in reports and on the command line. */
    public static final String NAME = "shadow";

    /**
     * The shadow attack's shadow count, attack models and seed.
     *
     * @param shadows K, the number of shadow models (at least 1)
     * @param classifier the per-class attack models
     * @param seed every draw derives from it
     */
    public record Options(int shadows, AttackClassifier.Options classifier, long seed) {
        public Options {
            if (shadows < 1) {
                throw new IllegalArgumentException("the shadow attack needs at least 1 shadow model, got " + shadows);
            }
        }

        /** 4 shadows, logistic-regression attack models. */
        public static Options defaults(long seed) {
            return new Options(4, AttackClassifier.Options.defaults(), seed);
        }
    }

    private final TrainConfig config;
    private final RecordSet shadowPool;
    private final Options options;
    private StageProgress progress = StageProgress.NONE;

    /**
     * @param config how the target was trained (shadows are trained the same way, with their own seeds)
     * @param shadowPool the records the shadows are trained and labelled on
     * @param options shadows, attack models, seed
     */
    public ShadowModelAttack(TrainConfig config, RecordSet shadowPool, Options options) {
        this.config = config;
        this.shadowPool = shadowPool;
        this.options = options;
    }

    /** Shows each shadow training run on {@code newProgress} (none by default); returns this attack. */
    public ShadowModelAttack progress(StageProgress newProgress) {
        this.progress = java.util.Objects.requireNonNull(newProgress);
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AttackResult run(ModelHandle target, RecordSet members, RecordSet nonMembers) {
        int classes = target.spec().numClasses();
        List<List<float[]>> in = new ArrayList<>();
        List<List<float[]>> out = new ArrayList<>();
        for (int c = 0; c <= classes; c++) { // index `classes` = every class
            in.add(new ArrayList<>());
            out.add(new ArrayList<>());
        }
        for (int s = 0; s < options.shadows(); s++) {
            boolean[] half = ShadowModels.randomHalf(shadowPool, Seeds.derive(options.seed(), "shadow-half", s));
            RecordSet train = ShadowModels.subset(shadowPool, half, true, "shadow-" + s);
            try (ModelHandle shadow = ShadowModels.train(target.spec(), config, train, Seeds.derive(options.seed(), "shadow-model", s),
                    progress.stage("shadow " + (s + 1) + "/" + options.shadows()))) {
                float[][] p = ModelOutputs.probabilities(shadow, shadowPool);
                for (int i = 0; i < p.length; i++) {
                    float[] f = AttackFeatures.sortedLogProbabilities(p[i]);
                    int c = shadowPool.label(i);
                    (half[i] ? in : out).get(c).add(f);
                    (half[i] ? in : out).get(classes).add(f);
                }
            }
        }
        AttackClassifier[] perClass = new AttackClassifier[classes + 1];
        try {
            perClass[classes] = AttackClassifier.train(in.get(classes), out.get(classes), options.classifier(),
                    Seeds.derive(options.seed(), "shadow-attack", classes));
            for (int c = 0; c < classes; c++) {
                if (!in.get(c).isEmpty() && !out.get(c).isEmpty()) {
                    perClass[c] = AttackClassifier.train(in.get(c), out.get(c), options.classifier(), Seeds.derive(options.seed(), "shadow-attack", c));
                }
            }
            return AttackResult.of(NAME, scores(target, members, perClass), scores(target, nonMembers, perClass));
        } finally {
            for (AttackClassifier a : perClass) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /** Each record scored by its class's attack model (one batch per class). */
    private static double[] scores(ModelHandle target, RecordSet records, AttackClassifier[] perClass) {
        float[][] p = ModelOutputs.probabilities(target, records);
        double[] out = new double[p.length];
        int fallback = perClass.length - 1;
        for (int c = 0; c < fallback; c++) {
            List<Integer> positions = new ArrayList<>();
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; i < p.length; i++) {
                if (records.label(i) == c) {
                    positions.add(i);
                    rows.add(AttackFeatures.sortedLogProbabilities(p[i]));
                }
            }
            double[] scored = (perClass[c] != null ? perClass[c] : perClass[fallback]).memberProbability(rows);
            for (int j = 0; j < scored.length; j++) {
                out[positions.get(j)] = scored[j];
            }
        }
        return out;
    }
}
