package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;

/**
 * One population attack ({@link PopulationScore}: loss, confidence, entropy or modified entropy) as a
 * {@link MembershipInferenceAttack}: the score of each record from the target's output alone, with no
 * shadow model (Yeom et al. 2018; Song and Mittal 2021). {@link PopulationAttacks#run} runs all four;
 * {@link MembershipInferenceAttacks} lists each under its id.
 *
 * @param score which score
 */
public record PopulationAttack(PopulationScore score) implements MembershipInferenceAttack {

    @Override
    public String name() {
        return score.id();
    }

    @Override
    public AttackResult run(ModelHandle target, RecordSet members, RecordSet nonMembers) {
        return AttackResult.of(name(), scores(ModelOutputs.probabilities(target, members), members),
                scores(ModelOutputs.probabilities(target, nonMembers), nonMembers));
    }

    private double[] scores(float[][] probabilities, RecordSet records) {
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = score.score(probabilities[i], records.label(i));
        }
        return out;
    }
}
