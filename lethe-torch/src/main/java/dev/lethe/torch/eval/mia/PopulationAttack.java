package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.ModelOutputs;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Tasks;

/**
 * One population attack ({@link PopulationScore}: loss, confidence, entropy or modified entropy) as a
 * {@link MembershipInferenceAttack}: the score of each record from the target's output alone, with no
 * shadow model (Yeom et al. 2018; Song and Mittal 2021). {@link PopulationAttacks#run} runs all four;
 * {@link MembershipInferenceAttacks} lists each under its id. On records of another task than
 * classification only the loss attack runs, with the task's per-record loss.
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
        if (!members.isClassification()) {
            return AttackResult.of(name(), taskLossScores(target, members), taskLossScores(target, nonMembers));
        }
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

    /**
     * −ℓ per record under the records' task (e.g. a language model's masked token loss): the loss attack
     * beyond classification. The other scores read class probabilities, which other tasks do not have.
     */
    private double[] taskLossScores(ModelHandle target, RecordSet records) {
        if (score != PopulationScore.LOSS) {
            throw new IllegalArgumentException("the " + name() + " attack needs class probabilities; on " + Tasks.of(records).name()
                    + " records only the loss attack runs");
        }
        double[] losses = ModelOutputs.losses(target, records);
        double[] out = new double[losses.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -losses[i];
        }
        return out;
    }
}
