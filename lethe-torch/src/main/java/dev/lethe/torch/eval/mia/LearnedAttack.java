package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;

import java.util.ArrayList;
import java.util.List;

/**
 * The learned membership attack behind "MIA-efficacy" (Jia et al. 2023, "Model Sparsity Can Simplify
 * Machine Unlearning"; Fan et al. 2024, SalUn): a classifier ({@link AttackClassifier}) on the target's
 * per-record output features ({@link AttackFeatures#confidence}: log p_y, entropy, modified entropy,
 * sorted log-probabilities), trained on retain records (members) vs held-out test records
 * (non-members), then applied to the forget set.
 *
 * <p>MIA-efficacy = TN / |D_f|, the share of forget records judged non-members: a model that forgot
 * them well (like one retrained without them) scores high; one that still fits them scores low.
 * Members and non-members are each split in seeded halves: one half trains the classifier, the other
 * gives an honest ROC of it ({@link LearnedAttackResult#heldOut}).
 */
public final class LearnedAttack {

    /** The id in reports and on the command line. */
    public static final String NAME = "learned";

    /**
     * The learned attack's classifier and seed.
     *
     * @param classifier the attack classifier
     * @param seed every draw derives from it
     */
    public record Options(AttackClassifier.Options classifier, long seed) {

        /** Logistic regression with the defaults of {@link AttackClassifier.Options#defaults()}. */
        public static Options defaults(long seed) {
            return new Options(AttackClassifier.Options.defaults(), seed);
        }
    }

    private final Options options;

    public LearnedAttack(Options options) {
        this.options = options;
    }

    /**
     * Trains the attack on {@code members} (retain) vs {@code nonMembers} (test) and judges {@code forget}
     * (may be null: then only the held-out ROC is reported).
     */
    public LearnedAttackResult run(ModelHandle target, RecordSet members, RecordSet nonMembers, RecordSet forget) {
        long split = Seeds.derive(options.seed(), "learned-split");
        boolean[] memberTrain = ShadowModels.randomHalf(members, split);
        boolean[] nonMemberTrain = ShadowModels.randomHalf(nonMembers, split);
        List<float[]> m = features(target, members);
        List<float[]> n = features(target, nonMembers);
        try (AttackClassifier classifier = AttackClassifier.train(pick(m, memberTrain, true), pick(n, nonMemberTrain, true),
                options.classifier(), Seeds.derive(options.seed(), "learned-classifier"))) {
            double[] nonMemberScores = classifier.memberProbability(pick(n, nonMemberTrain, false));
            AttackResult heldOut = AttackResult.of(NAME, classifier.memberProbability(pick(m, memberTrain, false)), nonMemberScores);
            if (forget == null || forget.size() == 0) {
                return new LearnedAttackResult(heldOut, null, Double.NaN, 0);
            }
            double[] forgetScores = classifier.memberProbability(features(target, forget));
            int judgedNonMember = 0;
            for (double s : forgetScores) {
                judgedNonMember += s < 0.5 ? 1 : 0;
            }
            return new LearnedAttackResult(heldOut, AttackResult.of(NAME + "-forget", forgetScores, nonMemberScores),
                    judgedNonMember / (double) forgetScores.length, forgetScores.length);
        }
    }

    private static List<float[]> features(ModelHandle model, RecordSet records) {
        float[][] p = ModelOutputs.probabilities(model, records);
        List<float[]> out = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) {
            out.add(AttackFeatures.confidence(p[i], records.label(i)));
        }
        return out;
    }

    private static List<float[]> pick(List<float[]> rows, boolean[] half, boolean want) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (half[i] == want) {
                out.add(rows.get(i));
            }
        }
        return out;
    }
}
