package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.StageProgress;
import dev.lethe.torch.train.TrainConfig;

/**
 * What a {@link SuiteAttack} runs on.
 *
 * @param model the target model
 * @param train the model's training records
 * @param test held-out records (the non-members)
 * @param subset the members when only some training records are attacked (e.g. a forget set), or null
 *               for all of {@code train}
 * @param rest the training records outside {@code subset} (null when {@code subset} is null)
 * @param config how the model was trained (for shadow models)
 * @param shadows shadow models; null = the attack's default
 * @param seed every draw derives from it
 * @param progress where the shadow-model attacks show their training runs
 */
public record AttackTarget(ModelHandle model, RecordSet train, RecordSet test, RecordSet subset, RecordSet rest, TrainConfig config,
                           Integer shadows, long seed, StageProgress progress) {

    /** A target whose attack shows no progress. */
    public AttackTarget(ModelHandle model, RecordSet train, RecordSet test, RecordSet subset, RecordSet rest, TrainConfig config,
                        Integer shadows, long seed) {
        this(model, train, test, subset, rest, config, shadows, seed, StageProgress.NONE);
    }

    /** The records attacked as members: the subset, or every training record. */
    public RecordSet members() {
        return subset == null ? train : subset;
    }
}
