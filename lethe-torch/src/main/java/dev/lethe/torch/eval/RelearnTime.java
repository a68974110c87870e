package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerState;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

/**
 * Relearn time: how many fine-tuning steps on the forget set bring a model's forget loss back down to
 * the original model's (Golatkar et al. 2020; Tarun et al. 2023 "anamnesis"). Suppression — hiding the
 * forget set behind a thin change of the output — relearns in a few steps; removal relearns about as
 * slowly as a model that never saw the data.
 *
 * <p>Fine-tunes a copy of the model through the one {@link TrainLoop}, one epoch over the forget set at
 * a time (with one continuing optimizer state), measuring the mean forget loss before and after each
 * epoch, and stops at the first measurement at or below the target or once the cap is reached.
 *
 * @param steps optimizer steps until the forget loss reached the target (0 when it already had)
 * @param capped whether the cap was hit before the target was reached
 * @param targetLoss the forget loss to reach (the original model's)
 * @param finalLoss the forget loss at the end
 */
public record RelearnTime(long steps, boolean capped, double targetLoss, double finalLoss) {

    /**
     * Measures the relearn time of {@code model} (left unchanged) on {@code forget} with {@code config}
     * (batch size, optimizer, learning rate, seed; its epochs are ignored), up to {@code maxSteps} steps.
     */
    public static RelearnTime measure(ModelHandle model, RecordSet forget, double targetLoss, TrainConfig config, int maxSteps) {
        try (ModelHandle copy = model.copy();
             TensorData data = TensorData.of(forget, copy.manager());
             OptimizerState state = OptimizerState.create(config, copy)) {
            Evaluator evaluator = new Evaluator();
            TrainLoop loop = new TrainLoop(config.withEpochs(1));
            double loss = evaluator.evaluate(copy, data).meanLoss();
            long steps = 0;
            long epoch = 0;
            while (loss > targetLoss && steps < maxSteps) {
                steps += loop.run(copy, state, data, Objectives.crossEntropy(), epoch++).steps();
                loss = evaluator.evaluate(copy, data).meanLoss();
            }
            return new RelearnTime(steps, loss > targetLoss, targetLoss, loss);
        }
    }
}
