package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.text.Tokenizers;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.List;

/**
 * {@code idk}: fine-tune the forget questions to "I don't know"-style answers while keeping the
 * retain answers (the "IDK" / preference baseline of Maini et al. 2024, "TOFU: A Task of Fictitious
 * Unlearning for LLMs", §4; OpenUnlearning's {@code IdkNLL}). Each forget record keeps its prompt and
 * is given a refusal drawn per record from the run seed ({@link Refusals}); each step pairs a batch of
 * these with a retain batch (drawn by {@link BatchSampler}) and minimises
 * <pre>  L(θ) = L(θ; B_idk) + λ_r · L(θ; B_r)</pre>
 * with {@code L} the next-token loss (mean NLL of the counted answer tokens). Nothing is ascended, so
 * the loss is bounded and the model stays fluent: it learns to decline rather than to produce noise.
 *
 * <p>The refusals are encoded with the tokenizer named by {@link UnlearningData#tokenizer()} ({@code bytes}
 * unless the caller says otherwise). Language models only: a classifier has no answer to replace.
 *
 * <p>Defaults: retain weight 1 as OpenUnlearning's {@code IdkNLL}; epochs and learning rate for Adam on
 * Lethe's small byte-level models.
 */
public final class IdkTuning extends MethodBase<IdkTuning.Options> {

    public static final String NAME = "idk";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("weight of the retain loss term (λ_r); 0 = refusals only") float retainWeight) {
        public Options {
            MethodOptions.require(epochs >= 1, "idk.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "idk.learningRate", learningRate, "> 0");
            MethodOptions.require(retainWeight >= 0, "idk.retainWeight", retainWeight, ">= 0");
        }
    }

    public IdkTuning() {
        super(NAME, "fine-tune the forget questions to \"I don't know\" answers (+ retain loss)",
                Guarantee.APPROXIMATE, new Options(5, 1e-3f, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return List.of(NextTokenTask.INSTANCE);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        RecordSet refused = Refusals.answering(data.forget(), Tokenizers.get(data.tokenizer()), context.seed("idk-answers"));
        try (TensorData retain = TensorData.of(data.retain(), model.manager())) {
            BatchSampler retainBatches = options.retainWeight() > 0
                    ? new BatchSampler(retain, context.original().batchSize(), context.seed("idk-retain")) : null;
            Task task = NextTokenTask.INSTANCE;
            Objective objective = (m, batch) -> {
                NDArray loss = task.loss(m.forward(batch.inputs(), true), batch);
                if (retainBatches != null) {
                    Batch r = retainBatches.batch(batch.step(), batch.manager());
                    loss = loss.add(Scalars.mul(task.loss(m.forward(r.inputs(), true), r), options.retainWeight()));
                }
                return loss;
            };
            Phases.train(model, refused, Phases.config(context, options.learningRate(), options.epochs(), "idk"), objective, context);
        }
    }
}
