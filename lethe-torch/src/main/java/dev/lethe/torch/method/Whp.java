package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code whp}: teach the model, on the forget text, what it would predict about someone it has never heard of — the
 * "generic predictions" of Eldan and Russinovich 2023, "Who's Harry Potter? Approximate Unlearning in LLMs". The
 * forget records' subject is the anchored term: in each record every word of the subject's name is swapped for a
 * made-up name of the same shape ({@link PseudoNames}; K draws), the frozen original reads the swapped text, and the
 * average of its next-token distributions is the target at the same position of the real text:
 * <pre>  q_t = (1/K) Σ_k softmax(z_orig(x̃^(k))_t),    L(θ) = mean_f CE(q, softmax(z_θ(x)))  +  λ_r · L(θ; B_r)</pre>
 * over the forget record's counted (answer) positions, leaving out those whose next token is part of the name (there the
 * swapped text holds the pseudo-name); the retain term is {@link RetainTerm}'s.
 *
 * <p>Why it exists beside the ascent methods: a model that never saw an author answers questions about them from
 * what it knows of authors in general, and that is what forget quality compares with (the retain model's truth
 * ratios). Ascent, NPO and SimNPO push the answer down without a floor and, on a small model, take the tokens every
 * answer shares with it; this target is bounded and is the original's own answer for an unknown name, so the
 * shared tokens keep their probability and only what the name adds goes.
 *
 * <p>What differs from the paper: WHP also mixes in a "reinforced" model (the original fine-tuned further on the
 * forget text), lowering the logits it raises; a model that already memorised its forget set exactly cannot be
 * reinforced further, so that half is left out. The paper fine-tunes on the argmax of the generic predictions;
 * here the whole distribution is the target (a soft label, as in distillation), averaged over K pseudo-names so that
 * no one made-up name's accidental likeness to a trained name decides it. Language models with a tokenizer that
 * keeps a swapped name's length (byte-level) only.
 */
public final class Whp extends MethodBase<Whp.Options> {

    public static final String NAME = "whp";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("made-up names whose predictions are averaged into the target (K)") int names,
                          @JsonPropertyDescription("weight of the retain loss term (λ_r); 0 = forget term only") float retainWeight) {
        public Options {
            MethodOptions.require(epochs >= 1, "whp.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "whp.learningRate", learningRate, "> 0");
            MethodOptions.require(names >= 1, "whp.names", names, ">= 1");
            MethodOptions.require(retainWeight >= 0, "whp.retainWeight", retainWeight, ">= 0");
        }
    }

    public Whp() {
        super(NAME, "distil the original's predictions for made-up names in place of the forget subject's name (+ retain loss)",
                Guarantee.APPROXIMATE, new Options(5, 1e-3f, 4, 1f), Options.class);
    }

    @Override
    public List<Task> tasks() {
        return List.of(NextTokenTask.INSTANCE);
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        Tokenizer tokenizer = Tokenizers.get(data.tokenizer());
        List<RecordSet> swapped = new ArrayList<>(options.names());
        for (int k = 0; k < options.names(); k++) {
            swapped.add(PseudoNames.swapped(data.forget(), tokenizer, context.seed("whp-names"), k));
        }
        List<TensorData> generic = new ArrayList<>(options.names());
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager())) {
            swapped.forEach(s -> generic.add(TensorData.of(s, model.manager())));
            RetainTerm retainTerm = new RetainTerm(retain, NextTokenTask.INSTANCE, options.retainWeight(), context, "whp-retain");
            Objective objective = (m, batch) -> {
                NDArray logProbabilities = m.forward(batch.inputs(), true).singletonOrThrow().logSoftmax(-1);
                Batch kept = genericTarget(reference, generic, batch);
                NDArray crossEntropy = kept.targets().singletonOrThrow().mul(logProbabilities).sum(new int[]{-1}).neg();
                return retainTerm.addTo(CountedPositions.batchMean(crossEntropy, kept), m, batch);
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), NAME), objective, context);
        } finally {
            generic.forEach(TensorData::close);
        }
    }

    /**
     * The batch with the generic distributions {@code q [b, T, V]} as its targets and, as its mask, the counted
     * positions whose next token is the same in the real text and in every swapped one.
     */
    private static Batch genericTarget(ModelHandle reference, List<TensorData> generic, Batch batch) {
        NDArray sum = null;
        NDArray mask = batch.mask();
        NDArray realNext = batch.targets().singletonOrThrow();
        for (TensorData swapped : generic) {
            Batch s = swapped.batch(batch.positions(), batch.step(), batch.epoch(), batch.manager());
            NDArray q = Distillation.logits(reference, s.inputs().singletonOrThrow()).softmax(-1);
            sum = sum == null ? q : sum.add(q);
            mask = mask.mul(s.targets().singletonOrThrow().eq(realNext).toType(DataType.FLOAT32, false));
        }
        return new Batch(batch.inputs(), new NDList(sum.div(generic.size())), mask, batch.positions(),
                batch.step(), batch.epoch(), batch.manager());
    }
}
