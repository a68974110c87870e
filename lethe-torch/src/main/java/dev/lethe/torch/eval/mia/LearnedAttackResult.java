package dev.lethe.torch.eval.mia;

import dev.lethe.core.mia.AttackResult;

/**
 * What the learned attack ({@link LearnedAttack}) found.
 *
 * @param heldOut the classifier's ROC on the held-out halves of the members (retain) and non-members
 *                (test) it was not trained on: how well the attack works at all on this model
 * @param forget the ROC of forget records (positives) vs the held-out non-members; null without a forget set
 * @param miaEfficacy the share of forget records the classifier judges non-members (P(member) &lt; ½): the
 *                    MIA-efficacy of Jia et al. (2023) and SalUn (Fan et al. 2024) — higher = forgotten
 *                    better; NaN without a forget set
 * @param forgetRecords how many forget records were judged
 */
public record LearnedAttackResult(AttackResult heldOut, AttackResult forget, double miaEfficacy, int forgetRecords) {
}
