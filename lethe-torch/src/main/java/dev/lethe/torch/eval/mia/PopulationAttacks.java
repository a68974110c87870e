package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.List;

/**
 * The population membership-inference attacks ({@link PopulationScore}: loss, confidence, entropy,
 * modified entropy) of a model on members vs non-members — e.g. the forget set vs held-out records
 * after unlearning, where an AUC near 0.5 means the forget set looks like data the model never saw.
 */
public final class PopulationAttacks {

    private PopulationAttacks() {
    }

    /** Every population attack's result on {@code members} vs {@code nonMembers}. */
    public static List<AttackResult> run(ModelHandle model, RecordSet members, RecordSet nonMembers) {
        Evaluator evaluator = new Evaluator();
        float[][] pm;
        float[][] pn;
        try (TensorData m = TensorData.of(members, model.manager()); TensorData n = TensorData.of(nonMembers, model.manager())) {
            pm = evaluator.probabilities(model, m);
            pn = evaluator.probabilities(model, n);
        }
        List<AttackResult> results = new ArrayList<>();
        for (PopulationScore score : PopulationScore.values()) {
            results.add(AttackResult.of(score.id(), scores(score, pm, members), scores(score, pn, nonMembers)));
        }
        return results;
    }

    private static double[] scores(PopulationScore score, float[][] probabilities, RecordSet records) {
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = score.score(probabilities[i], records.label(i));
        }
        return out;
    }
}
