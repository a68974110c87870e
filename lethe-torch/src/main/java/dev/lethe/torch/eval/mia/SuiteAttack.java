package dev.lethe.torch.eval.mia;

import java.util.function.Function;

/**
 * One attack of the {@link AttackSuite}, found by name in {@link MembershipInferenceAttacks}: how it
 * runs on a model under the suite's protocol (members = a subset of the training records or all of
 * them, non-members = held-out test records; shadow models trained the way the target was). An attack
 * defined elsewhere plugs in with {@link MembershipInferenceAttacks#register} and is then listed and run
 * by {@code lethe attack} like the built-in ones.
 */
public interface SuiteAttack {

    /** Kebab-case id, e.g. {@code loss}, {@code shadow}, {@code lira-online}. */
    String name();

    /** The attack's outcome on {@code target}. */
    AttackSuite.Report run(AttackTarget target);

    /** An attack from its id and what it does. */
    static SuiteAttack of(String name, Function<AttackTarget, AttackSuite.Report> run) {
        return new SuiteAttack() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AttackSuite.Report run(AttackTarget target) {
                return run.apply(target);
            }
        };
    }
}
