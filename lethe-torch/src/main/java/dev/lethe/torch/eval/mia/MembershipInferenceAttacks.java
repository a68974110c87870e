package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.core.registry.Registry;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of the suite's membership-inference attacks, in the order {@code lethe attack} lists
 * them: the population attacks ({@code loss}, {@code confidence}, {@code entropy},
 * {@code modified-entropy}), {@code learned}, {@code shadow}, {@code lira-online} and
 * {@code lira-offline} (see {@link AttackSuite} for what each does), then whatever was
 * {@link #register registered}.
 */
public final class MembershipInferenceAttacks {

    private static final Registry<SuiteAttack> REGISTRY = new Registry<>("attack", "attacks", SuiteAttack::name, builtIns(), SuiteAttack.class);

    private MembershipInferenceAttacks() {
    }

    private static List<SuiteAttack> builtIns() {
        List<SuiteAttack> attacks = new ArrayList<>();
        for (PopulationScore score : PopulationScore.values()) {
            PopulationAttack attack = new PopulationAttack(score);
            attacks.add(SuiteAttack.of(attack.name(), t -> new AttackSuite.Report(attack.name(),
                    attack.run(t.model(), t.members(), t.test()), null, null, null)));
        }
        attacks.add(SuiteAttack.of(LearnedAttack.NAME, MembershipInferenceAttacks::learned));
        attacks.add(SuiteAttack.of(ShadowModelAttack.NAME, MembershipInferenceAttacks::shadow));
        attacks.add(SuiteAttack.of(LIRA_ONLINE, t -> lira(LIRA_ONLINE, t)));
        attacks.add(SuiteAttack.of(LIRA_OFFLINE, t -> lira(LIRA_OFFLINE, t)));
        return attacks;
    }

    private static final String LIRA_ONLINE = "lira-online";
    private static final String LIRA_OFFLINE = "lira-offline";

    /** Adds an attack after the existing ones; closing the registration removes it. */
    public static Registry.Registration register(SuiteAttack attack) {
        return REGISTRY.register(attack);
    }

    /** Every attack id, in listing order. */
    public static List<String> names() {
        return REGISTRY.names();
    }

    /** The attack with this id; an unknown id fails with the list of valid ones. */
    public static SuiteAttack get(String name) {
        return REGISTRY.get(name);
    }

    /** Trained on the other training records (retain) vs half the test records; with a subset, judges it (MIA-efficacy). */
    private static AttackSuite.Report learned(AttackTarget t) {
        LearnedAttackResult r = new LearnedAttack(LearnedAttack.Options.defaults(t.seed()))
                .run(t.model(), t.subset() == null ? t.train() : t.rest(), t.test(), t.subset());
        return t.subset() == null
                ? new AttackSuite.Report(LearnedAttack.NAME, r.heldOut(), r.heldOut(), null, null)
                : new AttackSuite.Report(LearnedAttack.NAME, r.forget(), r.heldOut(), r.miaEfficacy(), null);
    }

    /** Shadows (default 4) trained on halves of training ∪ test records. */
    private static AttackSuite.Report shadow(AttackTarget t) {
        int k = t.shadows() == null ? 4 : t.shadows();
        AttackResult r = new ShadowModelAttack(t.config(), RecordSet.concat("shadow-pool", List.of(t.train(), t.test())),
                new ShadowModelAttack.Options(k, AttackClassifier.Options.defaults(), t.seed())).progress(t.progress()).run(t.model(), t.members(), t.test());
        return new AttackSuite.Report(ShadowModelAttack.NAME, r, null, null, k);
    }

    /** Shadows (default 8, at least 2) trained on halves of members ∪ test ∪ the other training records. */
    private static AttackSuite.Report lira(String name, AttackTarget t) {
        LiraResult r = new Lira(t.config(), new Lira.Options(Math.max(2, t.shadows() == null ? 8 : t.shadows()), true, t.seed()),
                Lira.Variant.ONLINE).progress(t.progress()).runBoth(t.model(), t.members(), t.test(), t.rest());
        return new AttackSuite.Report(name, name.equals(LIRA_ONLINE) ? r.online() : r.offline(), null, null, r.shadows());
    }
}
