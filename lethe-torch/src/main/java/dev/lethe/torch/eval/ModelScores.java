package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.mia.PopulationAttack;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.model.ModelHandle;

/**
 * One model's accuracy and loss on the forget, retain and test sets, and the loss-threshold
 * membership-inference AUC of forget records (members) vs test records (non-members) — the figures
 * {@link RetrainComparison} compares with the retrained reference.
 *
 * @param forgetAccuracy accuracy on the forget set
 * @param forgetLoss mean cross-entropy on the forget set
 * @param retainAccuracy accuracy on the retain set
 * @param retainLoss mean cross-entropy on the retain set
 * @param testAccuracy accuracy on the test set
 * @param testLoss mean cross-entropy on the test set
 * @param miaAuc AUC of the loss attack (Yeom et al. 2018), forget vs test: 0.5 = the forget set looks unseen
 */
public record ModelScores(double forgetAccuracy, double forgetLoss, double retainAccuracy, double retainLoss, double testAccuracy,
                          double testLoss, double miaAuc) {

    /** The scores of {@code model} on {@code data.forget()}, {@code data.retain()} and {@code test}. */
    public static ModelScores of(ModelHandle model, UnlearningData data, RecordSet test) {
        Evaluation f = ModelOutputs.evaluate(model, data.forget());
        Evaluation r = ModelOutputs.evaluate(model, data.retain());
        Evaluation t = ModelOutputs.evaluate(model, test);
        AttackResult mia = new PopulationAttack(PopulationScore.LOSS).run(model, data.forget(), test);
        return new ModelScores(f.accuracy(), f.meanLoss(), r.accuracy(), r.meanLoss(), t.accuracy(), t.meanLoss(), mia.auc());
    }
}
