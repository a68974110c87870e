package dev.lethe.core.mia;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param memberScores each member's score, in the order the attack was given the members (higher = more likely a member)
 * @param nonMemberScores each non-member's score, likewise
 */
public record AttackResult(String attack, double auc, double tprAt1PercentFpr, double tprAtTenthPercentFpr, int members, int nonMembers,
                           @JsonIgnore RocCurve roc, @JsonIgnore double[] memberScores, @JsonIgnore double[] nonMemberScores) {

    /** Scores the attack from members' and non-members' scores (kept, for per-record output). */
    public static AttackResult of(String attack, double[] memberScores, double[] nonMemberScores) {
        RocCurve roc = RocCurve.of(memberScores, nonMemberScores);
        return new AttackResult(attack, roc.auc(), roc.tprAtFpr(0.01), roc.tprAtFpr(0.001), memberScores.length, nonMemberScores.length, roc,
                memberScores.clone(), nonMemberScores.clone());
    }
}
