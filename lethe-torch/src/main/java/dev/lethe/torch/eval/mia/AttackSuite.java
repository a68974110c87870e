package dev.lethe.torch.eval.mia;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.StageProgress;
import dev.lethe.torch.train.TrainConfig;

/**
 * Every membership-inference attack behind one id, run the same way from the command line
 * ({@code lethe attack}), the server and the scenario harness: members are a chosen subset of the
 * training records (a forget set) or all of them, non-members are held-out test records. The ids are
 * those of {@link MembershipInferenceAttacks}, where a further attack plugs in:
 *
 * <ul>
 *   <li>{@code loss}, {@code confidence}, {@code entropy}, {@code modified-entropy}: {@link PopulationAttack}.</li>
 *   <li>{@code learned}: {@link LearnedAttack} trained on the other training records (retain) vs half the
 *       test records; with a subset, its result is the subset vs the other test half and the
 *       MIA-efficacy of the subset is reported.</li>
 *   <li>{@code shadow}: {@link ShadowModelAttack}, shadows trained on halves of training ∪ test records.</li>
 *   <li>{@code lira-online}, {@code lira-offline}: {@link Lira}, shadows trained on halves of members ∪
 *       test ∪ the other training records.</li>
 * </ul>
 */
public final class AttackSuite {

    private AttackSuite() {
    }

    /**
     * One attack's outcome.
     *
     * @param attack the attack id
     * @param result the ROC of members vs non-members
     * @param heldOut {@code learned} only: the classifier's ROC on its held-out retain vs test halves
     * @param miaEfficacy {@code learned} with a subset only: share of the subset judged non-members
     * @param shadows the shadow models trained ({@code shadow}, {@code lira-*}); null otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Report(String attack, AttackResult result, AttackResult heldOut, Double miaEfficacy, Integer shadows) {
    }

    /**
     * Runs attack {@code attack} on {@code model}.
     *
     * @param train the model's training records
     * @param test held-out records (the non-members)
     * @param subset the members when only some training records are attacked (e.g. a forget set), or
     *               null for all of {@code train}
     * @param rest the training records outside {@code subset} (null when {@code subset} is null)
     * @param config how the model was trained (for shadow models)
     * @param shadows shadow models; null = the attack's default (shadow 4, LiRA 8)
     * @param seed every draw derives from it
     */
    public static Report run(String attack, ModelHandle model, RecordSet train, RecordSet test, RecordSet subset, RecordSet rest,
                             TrainConfig config, Integer shadows, long seed) {
        return run(attack, model, train, test, subset, rest, config, shadows, seed, StageProgress.NONE);
    }

    /** {@link #run(String, ModelHandle, RecordSet, RecordSet, RecordSet, RecordSet, TrainConfig, Integer, long)}, showing shadow training on {@code progress}. */
    public static Report run(String attack, ModelHandle model, RecordSet train, RecordSet test, RecordSet subset, RecordSet rest,
                             TrainConfig config, Integer shadows, long seed, StageProgress progress) {
        SuiteAttack chosen = MembershipInferenceAttacks.get(attack);
        if (shadows != null && shadows < 1) {
            throw new IllegalArgumentException("shadows must be at least 1, got " + shadows);
        }
        return chosen.run(new AttackTarget(model, train, test, subset, rest, config, shadows, seed, progress));
    }
}
