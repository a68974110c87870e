package dev.lethe.torch.eval.mia;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainConfig;

import java.util.List;

/**
 * Every membership-inference attack behind one id, run the same way from the command line
 * ({@code lethe attack}), the server and the scenario harness: members are a chosen subset of the
 * training records (a forget set) or all of them, non-members are held-out test records.
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

    /** The attack ids, in the order {@code lethe attack --help} lists them. */
    public static final List<String> ATTACKS = List.of("loss", "confidence", "entropy", "modified-entropy", LearnedAttack.NAME,
            ShadowModelAttack.NAME, "lira-online", "lira-offline");

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
        if (!ATTACKS.contains(attack)) {
            throw new IllegalArgumentException("unknown attack '" + attack + "'; attacks: " + String.join(", ", ATTACKS));
        }
        if (shadows != null && shadows < 1) {
            throw new IllegalArgumentException("shadows must be at least 1, got " + shadows);
        }
        RecordSet members = subset == null ? train : subset;
        return switch (attack) {
            case LearnedAttack.NAME -> {
                LearnedAttackResult r = new LearnedAttack(LearnedAttack.Options.defaults(seed)).run(model, subset == null ? train : rest, test, subset);
                yield subset == null
                        ? new Report(attack, r.heldOut(), r.heldOut(), null, null)
                        : new Report(attack, r.forget(), r.heldOut(), r.miaEfficacy(), null);
            }
            case ShadowModelAttack.NAME -> {
                int k = shadows == null ? 4 : shadows;
                AttackResult r = new ShadowModelAttack(config, RecordSet.concat("shadow-pool", List.of(train, test)),
                        new ShadowModelAttack.Options(k, AttackClassifier.Options.defaults(), seed)).run(model, members, test);
                yield new Report(attack, r, null, null, k);
            }
            case "lira-online", "lira-offline" -> {
                LiraResult r = new Lira(config, new Lira.Options(Math.max(2, shadows == null ? 8 : shadows), true, seed), Lira.Variant.ONLINE)
                        .runBoth(model, members, test, rest);
                yield new Report(attack, attack.equals("lira-online") ? r.online() : r.offline(), null, null, r.shadows());
            }
            default -> new Report(attack, PopulationAttack.byName(attack).run(model, members, test), null, null, null);
        };
    }
}
