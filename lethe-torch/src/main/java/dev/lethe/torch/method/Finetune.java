package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;

import java.util.List;

/**
 * {@code finetune}: continue training the original model on the retain set only, relying on
 * catastrophic forgetting to wash the forget set out (the "FT" baseline of Warnecke et al. 2023 and
 * Jia et al. 2023). Cheap and usually weak: a baseline, not a method to trust.
 */
public final class Finetune extends MethodBase<Finetune.Options> {

    public static final String NAME = "finetune";

    public record Options(@JsonPropertyDescription("fine-tuning epochs on the retain set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate) {
        public Options {
            MethodOptions.require(epochs >= 1, "finetune.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "finetune.learningRate", learningRate, "> 0");
        }
    }

    public Finetune() {
        super(NAME, "fine-tune on the retain set only (baseline)",
                Guarantee.APPROXIMATE, new Options(3, 1e-3f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        Phases.train(model, data.retain(), Phases.config(context, options.learningRate(), options.epochs(), "finetune"),
                Tasks.of(data.retain()).objective(), context);
    }
}
