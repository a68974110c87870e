package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.torch.model.ModelHandle;

/**
 * A membership-inference attack: given a target model, a score per record that should be higher for
 * records the model was trained on ("members") than for records it never saw, judged by its ROC curve
 * ({@link AttackResult}: AUC, TPR at 1 % and 0.1 % FPR). AUC 0.5 = members and non-members are
 * indistinguishable, which is what a model retrained without the members achieves on them.
 *
 * <p>Implementations: {@link PopulationAttack} (no shadow model), {@link ShadowModelAttack} (Shokri et
 * al. 2017), {@link Lira} (Carlini et al. 2022, online and offline). {@link LearnedAttack} and
 * {@link ULira} answer different questions (MIA-efficacy on a forget set; unlearned vs retrained) and
 * have their own entry points.
 */
public interface MembershipInferenceAttack {

    /** Kebab-case id, e.g. {@code loss}, {@code shadow}, {@code lira-online}. */
    String name();

    /** The attack's result on {@code members} (positives) vs {@code nonMembers} (negatives) of {@code target}. */
    AttackResult run(ModelHandle target, RecordSet members, RecordSet nonMembers);
}
