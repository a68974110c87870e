package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code whp}: teach the model, on the forget text, what it would predict about someone it has never heard of — the
 * "generic predictions" of Eldan and Russinovich 2023, "Who's Harry Potter? Approximate Unlearning in LLMs". The
 * forget records' subject is the anchored term: in each record every word of the subject's name is swapped for a
 * made-up name of the same shape ({@link PseudoNames}; K draws), the frozen original reads the swapped text, and the
 * average of its next-token distributions is the baseline {@code b}; where the original, reading the real name, finds a
 * token likelier than the baseline does, that token is what the name adds, and it is lowered by α times the excess (the
 * paper's {@code v_generic = v_baseline − α·ReLU(v_reinforced − v_baseline)}, with the real-name reading as the
 * "reinforced" side):
 * <pre>  b_t = log (1/K) Σ_k softmax(z_orig(x̃^(k))_t),    r_t = log softmax(z_orig(x)_t),
 *   q_t = softmax(b_t − α · max(r_t − b_t, 0)),    L(θ) = mean_f CE(q, softmax(z_θ(x)))  +  λ_r · L(θ; B_r)</pre>
 * over the forget record's counted (answer) positions, leaving out those whose next token is part of the name (there the
 * swapped text holds the pseudo-name); the retain term is {@link RetainTerm}'s. With α = 0 the target is the baseline
 * itself.
 *
 * <p>Why it exists beside the ascent methods: a model that never saw an author answers questions about them from
 * what it knows of authors in general, and that is what forget quality compares with (the retain model's truth
 * ratios). Ascent, NPO and SimNPO push the answer down without a floor and, on a small model, take the tokens every
 * answer shares with it; this target is bounded and is the original's own answer for an unknown name, so the
 * shared tokens keep their probability and only what the name adds goes.
 *
 * <p>Why α: teacher-forced on the real answer, the baseline still reads the memorised answer in its own prefix ("born in
 * Kuwait Ci" → "ty" under any name), so on its own it keeps much of what was memorised (on TOFU forget01 the answer
 * probability only fell from 0.94 to 0.57). What the name itself adds — the first byte of each fact — is what the
 * difference from the real-name reading finds.
 *
 * <p>What differs from the paper: its reinforced model is the original fine-tuned further on the forget text; a
 * model that already memorised its forget set cannot be reinforced further, so the original reading the real name plays
 * that part against the made-up names. The paper fine-tunes on the argmax of the generic predictions;
 * here the whole distribution is the target (a soft label, as in distillation), averaged over K pseudo-names so that
 * no one made-up name's accidental likeness to a trained name decides it. Language models with a tokenizer that
 * keeps a swapped name's length (byte-level) only.
 *
 * <p>Defaults: 10 epochs at 5e-4, K = 4, α = 10, retain weight 1 with the KL retain term — the TOFU forget01 sweep's
 * best trade, which meets the criterion at the edge: forget quality 0.054 at 0.92× the retain model's utility
 * (median of four unlearning seeds, three of which reach it; 0.029 at the other), in 37–40 s. The forget term is bounded — it stops pulling once
 * the model gives the target — so epochs beyond those the forgetting needs mostly let the retain term repair the retain
 * answers: 10 epochs instead of 5 took utility from 0.88× to 0.94× at the same forget quality (docs/BENCHMARKS.md,
 * "TOFU forget01", fifth sweep).
 */
public final class Whp extends MethodBase<Whp.Options> {

    public static final String NAME = "whp";

    public record Options(@JsonPropertyDescription("epochs over the forget set") int epochs,
                          @JsonPropertyDescription("learning rate (η)") float learningRate,
                          @JsonPropertyDescription("made-up names whose predictions are averaged into the target (K)") int names,
                          @JsonPropertyDescription("how far the tokens the real name makes likelier than the made-up names do are lowered (α); 0 = the made-up names' predictions as they are")
                          float alpha,
                          @JsonPropertyDescription("weight of the retain loss term (λ_r); 0 = forget term only") float retainWeight,
                          @JsonPropertyDescription(RetainTerm.LOSS_DESCRIPTION) String retainLoss) {
        public Options {
            MethodOptions.require(epochs >= 1, "whp.epochs", epochs, ">= 1");
            MethodOptions.require(learningRate > 0, "whp.learningRate", learningRate, "> 0");
            MethodOptions.require(names >= 1, "whp.names", names, ">= 1");
            MethodOptions.require(alpha >= 0 && Float.isFinite(alpha), "whp.alpha", alpha, ">= 0");
            MethodOptions.require(retainWeight >= 0, "whp.retainWeight", retainWeight, ">= 0");
            RetainTerm.requireLoss("whp.retainLoss", retainLoss);
        }
    }

    public Whp() {
        super(NAME, "distil the original's predictions for made-up names in place of the forget subject's name (+ retain loss)",
                Guarantee.APPROXIMATE, new Options(10, 5e-4f, 4, 10f, 1f, RetainTerm.KL), Options.class);
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
        try (ModelHandle reference = Distillation.frozenCopy(original);
             TensorData retain = TensorData.of(data.retain(), model.manager());
             GenericTargets generic = GenericTargets.of(reference, data.forget(), swapped, options.alpha(),
                     context.original().batchSize(), model.manager())) {
            RetainTerm retainTerm = new RetainTerm(retain, NextTokenTask.INSTANCE, options.retainWeight(), context, "whp-retain",
                    options.retainLoss(), reference);
            Objective objective = (m, batch) -> {
                NDArray logProbabilities = m.forward(batch.inputs(), true).singletonOrThrow().logSoftmax(-1);
                Batch kept = generic.of(batch);
                NDArray crossEntropy = kept.targets().singletonOrThrow().mul(logProbabilities).sum(new int[]{-1}).neg();
                return retainTerm.addTo(CountedPositions.batchMean(crossEntropy, kept), m, batch);
            };
            Phases.train(model, data.forget(), Phases.config(context, options.learningRate(), options.epochs(), NAME), objective, context);
        }
    }

    /**
     * Every forget record's generic distributions {@code q [T, V]} and kept positions, computed once before training:
     * the reference is frozen, so they are the same in every epoch, and reading them from here instead of running the
     * original K + 1 times per step took a TOFU forget01 run from 61 s to 27 s. Held as {@code [n, T_max, V]} with zeros past
     * each record's end (its mask is 0 there).
     */
    private static final class GenericTargets implements AutoCloseable {

        private final NDManager manager;
        private final NDArray targets;
        private final NDArray masks;

        private GenericTargets(NDManager manager, NDArray targets, NDArray masks) {
            this.manager = manager;
            this.targets = targets;
            this.masks = masks;
        }

        static GenericTargets of(ModelHandle reference, RecordSet forget, List<RecordSet> swapped, float alpha, int chunk,
                                 NDManager parent) {
            NDManager manager = parent.newSubManager();
            List<TensorData> generic = new ArrayList<>(swapped.size());
            try (TensorData real = TensorData.of(forget, manager)) {
                swapped.forEach(s -> generic.add(TensorData.of(s, manager)));
                int width = real.tokenWidth();
                NDList targets = new NDList();
                NDList masks = new NDList();
                for (int from = 0; from < real.size(); from += chunk) {
                    try (NDManager step = manager.newSubManager()) {
                        Batch kept = genericTarget(reference, generic, real.range(from, Math.min(from + chunk, real.size()), step), alpha);
                        // zeros past each chunk's own width, up to the widest record's (the mask is 0 there)
                        long pad = width - kept.mask().getShape().get(1);
                        NDArray q = kept.targets().singletonOrThrow().pad(new Shape(0, 0, 0, pad), 0);
                        NDArray mask = kept.mask().pad(new Shape(0, pad), 0);
                        q.attach(manager);
                        mask.attach(manager);
                        targets.add(q);
                        masks.add(mask);
                    }
                }
                GenericTargets all = new GenericTargets(manager, NDArrays.concat(targets, 0), NDArrays.concat(masks, 0));
                targets.forEach(NDArray::close);
                masks.forEach(NDArray::close);
                return all;
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            } finally {
                generic.forEach(TensorData::close);
            }
        }

        /** {@code batch} with its records' generic distributions as targets and their kept positions as its mask. */
        Batch of(Batch batch) {
            long width = batch.inputs().singletonOrThrow().getShape().get(1);
            NDArray index = batch.manager().create(Arrays.stream(batch.positions()).asLongStream().toArray());
            NDArray q = targets.get(index).get(":, :" + width + ", :");
            NDArray mask = masks.get(index).get(":, :" + width);
            q.attach(batch.manager());
            mask.attach(batch.manager());
            return new Batch(batch.inputs(), new NDList(q), mask, batch.positions(), batch.step(), batch.epoch(), batch.manager());
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /**
     * The batch with the generic distributions {@code q [b, T, V]} as its targets and, as its mask, the counted
     * positions whose next token is the same in the real text and in every swapped one.
     */
    private static Batch genericTarget(ModelHandle reference, List<TensorData> generic, Batch batch, float alpha) {
        NDArray sum = null;
        NDArray mask = batch.mask();
        NDArray realNext = batch.targets().singletonOrThrow();
        for (TensorData swapped : generic) {
            Batch s = swapped.batch(batch.positions(), batch.step(), batch.epoch(), batch.manager());
            NDArray q = Distillation.logits(reference, s.inputs().singletonOrThrow()).softmax(-1);
            sum = sum == null ? q : sum.add(q);
            mask = mask.mul(s.targets().singletonOrThrow().eq(realNext).toType(DataType.FLOAT32, false));
        }
        NDArray baseline = Scalars.maximum(Scalars.div(sum, generic.size()), 1e-30f).log(); // a probability that underflowed to 0 stays finite
        NDArray target = baseline;
        if (alpha > 0) {
            NDArray real = Distillation.logits(reference, batch.inputs().singletonOrThrow()).logSoftmax(-1);
            target = baseline.sub(Scalars.mul(Scalars.maximum(real.sub(baseline), 0f), alpha));
        }
        return new Batch(batch.inputs(), new NDList(target.softmax(-1)), mask, batch.positions(), batch.step(), batch.epoch(),
                batch.manager());
    }
}
