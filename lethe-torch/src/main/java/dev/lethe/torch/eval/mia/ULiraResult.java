package dev.lethe.torch.eval.mia;

import dev.lethe.core.mia.AttackResult;

/**
 * What U-LiRA ({@link ULira}) found for one unlearning method.
 *
 * @param method the method's id
 * @param attack the ROC of "unlearned" (positives) vs "retrained" (negatives) over every (shadow pair,
 *               forget record): AUC 0.5 = the method's output cannot be told from retraining
 * @param shadows how many shadow pairs (original → unlearned, retrained) were trained
 * @param forgetRecords how many forget records each pair scored
 * @param meanPhiGap mean over records of φ(unlearned) − φ(retrained), averaged over pairs: how much more
 *                   confident the unlearned models still are on the forget set
 */
public record ULiraResult(String method, AttackResult attack, int shadows, int forgetRecords, double meanPhiGap) {
}
