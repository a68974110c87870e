package dev.lethe.core.mia;

import dev.lethe.core.metrics.RocCurve;

/**
 * What a membership-inference attack achieved on members vs non-members.
 *
 * @param attack the attack's id
 * @param auc area under the ROC curve (0.5 = cannot tell members from non-members)
 * @param tprAt1PercentFpr true-positive rate at 1 % false positives
 * @param tprAtTenthPercentFpr true-positive rate at 0.1 % false positives
 * @param members how many member records were scored
 * @param nonMembers how many non-member records were scored
 * @param roc the full curve
 */
public record AttackResult(String attack, double auc, double tprAt1PercentFpr, double tprAtTenthPercentFpr, int members, int nonMembers,
                           @com.fasterxml.jackson.annotation.JsonIgnore RocCurve roc) {

    /** Scores the attack from members' and non-members' scores. */
    public static AttackResult of(String attack, double[] memberScores, double[] nonMemberScores) {
        RocCurve roc = RocCurve.of(memberScores, nonMemberScores);
        return new AttackResult(attack, roc.auc(), roc.tprAtFpr(0.01), roc.tprAtFpr(0.001), memberScores.length, nonMemberScores.length, roc);
    }
}
