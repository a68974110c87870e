package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;

import java.util.List;

/**
 * {@code retrain}: train a fresh model from scratch on the retain set — the gold reference that every
 * approximate method is compared with (exact by construction when the retain set is all of D \ X).
 * Uses the original training configuration, with a fresh initialisation drawn from the run seed.
 */
public final class Retrain extends MethodBase<Retrain.Options> {

    public static final String NAME = "retrain";

    /**
     * @param epochs training epochs; 0 = as many as the original model had
     */
    public record Options(@JsonPropertyDescription("training epochs; 0 = the original model's") int epochs) {
        public Options {
            MethodOptions.require(epochs >= 0, "retrain.epochs", epochs, ">= 0");
        }
    }

    public Retrain() {
        super(NAME, "train a fresh model on the retain set only (the reference)",
                Guarantee.EXACT, new Options(0), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return Tasks.all();
    }

    /** A fresh initialisation of the original's architecture, drawn from the run seed. */
    @Override
    protected ModelHandle startingModel(ModelHandle original, UnlearningContext context) {
        return ModelHandle.create(original.spec(), context.seed("retrain-init"), original.device());
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        int epochs = options.epochs() == 0 ? context.original().epochs() : options.epochs();
        Phases.train(model, data.retain(), context.original().withEpochs(epochs).withSeed(context.seed("retrain")),
                Tasks.of(data.retain()).objective(), context);
    }
}
