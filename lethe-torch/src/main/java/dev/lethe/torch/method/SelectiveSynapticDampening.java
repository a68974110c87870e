package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;

import java.util.List;
import java.util.Optional;

/**
 * {@code ssd}: Selective Synaptic Dampening (Foster, Schoepf and Brintrup 2023, "Fast Machine
 * Unlearning Without Retraining Through Selective Synaptic Dampening", AAAI 2024). Retrain-free: it
 * takes no gradient step, only two Fisher estimates and one multiplication per parameter.
 *
 * <p>When to use it: fast post-hoc forgetting of a class or a sub-class when the retain set is too
 * large or too slow to train on; it needs one backward pass over the training data and one over the
 * forget set. It removes what is specialised to the forget set; knowledge the forget set shares with
 * the rest stays (so it is weak on records that look like everyone else's).
 *
 * <p>Update rule. With the diagonal Fisher importances ({@link FisherDiagonal}: mean over batches of
 * squared batch gradients of the cross-entropy) {@code I_D} on the training data and {@code I_f} on the
 * forget set, every parameter entry (weights and biases) with {@code I_f > α·I_D} is scaled,
 * {@code θ ← β·θ} with {@code β = min(λ·I_D / I_f, 1)}; all other entries are unchanged. This is the
 * reference implementation's rule (exponent 1, lower bound 1). With {@code importance = output} both importances
 * are loss-free SSD's instead (Foster, Schoepf and Brintrup 2024): the same estimator on the squared norm of the
 * logits ({@link FisherDiagonal#outputSensitivity}), which needs no labels and does not vanish on a forget set the
 * model fits with confidence.
 *
 * <p>What the forget importance is compared with ({@code reference}). The paper's {@code I_D} is on all the training
 * data, forget set included; by default ({@code auto}) the Fisher keeps that reference and the output sensitivity is
 * compared with the retain set's {@code I_r} instead. The reason is where the forget set's share of {@code I_D} goes. The
 * Fisher vanishes on records the model fits with confidence, so the forget set adds little to {@code I_D}. The output
 * sensitivity does not vanish there: for an entry only the forget set moves, a batch's gradient is the forget records'
 * share p of it, and {@code I_D ≈ p²·I_f} caps the ratio {@code I_f / I_D} near 1/p² whatever the entry's role — 4 when
 * the class is half the data, below every α that keeps the rest. Measured (docs/BENCHMARKS.md, "Twelfth round"): on the
 * splice-junction table, whose forgotten class is half the rows, the output sensitivity against the data forgot the
 * class at no seed of three and against the retain set at all three (the kept classes gaining 0.6–3.1 points); on digits
 * with the class made half the data, against the data only the grid's strongest values forgot the class, at a cost of
 * at least 26 points of the others, and against the retain set α = 100 forgot it within 2.3 points (eight seed and
 * kernel settings, {@code SelectiveSynapticDampeningTest}). The Fisher against the retain set, tried by hand on the
 * image-segmentation MLP of raw values, picked shared entries first (α = 200 cost 13 points), so it is not the default.
 *
 * <p>Choices and deviations: against the data, {@code I_D} is estimated on retain ∪ forget, i.e. on the full training
 * data when {@code data.retain()} holds all of it, as in the paper; when the caller passes a retain
 * sample, the sample stands in for it. The importances are estimated on seeded, shuffled samples of at
 * most {@code sampleSize} records of the data (2,048 by default) and {@code forgetSampleSize} of the
 * forget set (512): Monte-Carlo estimates of the same diagonal Fisher (fewer batches make them
 * noisier, not biased); 0 uses everything. With {@code I_D} prepared, the forget estimate is the
 * removal's main cost: 512 records keep it near 1 % of retraining's time on MNIST (1,024: 1.8–2.8 %).
 * The batches are shuffled as the paper's data loader does: a batch gradient is a mean, so batches
 * holding only forget records (the order retain-then-forget) would inflate {@code I_D} exactly where
 * the forget set matters. A class of digits (~145 records) is
 * never sampled. The paper's defaults (α = 10, λ = 1) were tuned for ResNet-18 on CIFAR; on the small
 * MLP for digits (forgetting class 3, seeds 1–3) α = 10 selects far too much (the other classes' test
 * accuracy falls from 0.986 to 0.71–0.90), α = 70 too little for some seeds (class 3 stays at up to
 * 0.64), and the defaults here, α = 40 and λ = 1, give 0.00 on class 3 and 0.969–0.989 on the others
 * (λ between 0.5 and 1 changes nothing there). The useful α range is model-dependent: calibrate it on
 * a held-out set for another model.
 *
 * <p>{@code I_D} depends on the model and its training data only, so — as the paper notes — it can be
 * computed once after training and reused by every removal: {@link #prepare} does that (on a seeded
 * sample of the training data), and a removal given that state through the context pays only for
 * {@code I_f} and the dampening. Without it, {@code I_D} is estimated inline on retain ∪ forget.
 */
public final class SelectiveSynapticDampening extends MethodBase<SelectiveSynapticDampening.Options> {

    public static final String NAME = "ssd";

    static final float DEFAULT_ALPHA = 40f;
    static final float DEFAULT_LAMBDA = 1f;
    /** {@code importance}: the empirical Fisher of the loss, the paper's. */
    static final String LOSS = "loss";
    /** {@code importance}: the squared gradient of the logits' squared norm, loss-free SSD's ({@link FisherDiagonal#outputSensitivity}). */
    static final String OUTPUT = "output";

    /** {@code reference}: {@link #DATA} for the loss importance, {@link #RETAIN} for the output one. */
    static final String AUTO = "auto";
    /** {@code reference}: the data importance on retain ∪ forget, the paper's. */
    static final String DATA = "data";
    /** {@code reference}: the data importance on the retain set only. */
    static final String RETAIN = "retain";

    public record Options(@JsonPropertyDescription("selection threshold (α): dampen where forget importance > α × data importance") float alpha,
                          @JsonPropertyDescription("dampening constant (λ): scale by min(λ × data importance / forget importance, 1)") float lambda,
                          @JsonPropertyDescription("batch size of the Fisher importance estimates") int batchSize,
                          @JsonPropertyDescription("records the data importance is estimated on, a seeded sample (0 = all)") int sampleSize,
                          @JsonPropertyDescription("forget records the forget importance is estimated on, a seeded sample (0 = all)") int forgetSampleSize,
                          @JsonPropertyDescription("the importance: loss (the empirical Fisher, the paper's) or output (the squared gradient of the"
                                  + " logits' squared norm, loss-free SSD's)") String importance,
                          @JsonPropertyDescription("what the forget importance is compared with: data (retain and forget together, the"
                                  + " paper's), retain (the retain set only) or auto (data for the loss importance, retain for the output"
                                  + " one)") String reference) {
        public Options {
            MethodOptions.require(LOSS.equals(importance) || OUTPUT.equals(importance), "ssd.importance", importance,
                    LOSS + " or " + OUTPUT);
            MethodOptions.require(AUTO.equals(reference) || DATA.equals(reference) || RETAIN.equals(reference), "ssd.reference",
                    reference, AUTO + ", " + DATA + " or " + RETAIN);
            MethodOptions.require(sampleSize >= 0, "ssd.sampleSize", sampleSize, ">= 0");
            MethodOptions.require(forgetSampleSize >= 0, "ssd.forgetSampleSize", forgetSampleSize, ">= 0");
            MethodOptions.require(alpha > 0 && Float.isFinite(alpha), "ssd.alpha", alpha, "> 0");
            MethodOptions.require(lambda > 0 && Float.isFinite(lambda), "ssd.lambda", lambda, "> 0");
            MethodOptions.require(batchSize >= 1, "ssd.batchSize", batchSize, ">= 1");
        }

        /** Whether the forget importance is compared with the retain set's rather than the data's. */
        boolean retainReference() {
            return RETAIN.equals(reference) || AUTO.equals(reference) && OUTPUT.equals(importance);
        }
    }

    public SelectiveSynapticDampening() {
        super(NAME, "dampen the weights far more important to the forget set than to the data (no training)",
                Guarantee.APPROXIMATE, new Options(DEFAULT_ALPHA, DEFAULT_LAMBDA, 64, 2048, 512, LOSS, AUTO), Options.class);
    }

    /**
     * α, from selecting almost nothing to selecting much: the useful range is model-dependent (see the class comment), so
     * when the user sets no α it is calibrated on held-out forget and retain records ({@link StrengthCalibration}). When
     * no α meets the bounds, the search is made again with loss-free SSD's importance ({@code importance = output}): on
     * the standardised image-segmentation MLP, whose forgotten class the original never gets wrong, the forget set's
     * Fisher stayed within twice the data's everywhere (α = 2 selected nothing at two seeds of three), while the output
     * sensitivity picked the class's parameters at α = 18–25 and forgot it at all three seeds, with the other classes
     * within 0.3 points or better (docs/BENCHMARKS.md, "Eighth round"). By default that importance is compared with the
     * retain set (the class comment), which took the splice-junction table from no seed of three to all three
     * ("Twelfth round").
     */
    @Override
    public Optional<Strength> strength() {
        return Optional.of(new Strength(NAME + ".alpha", List.of("200", "100", "50", "25", "10", "5", "2"))
                .retriedWith(NAME + ".importance", List.of(OUTPUT)));
    }

    /**
     * {@code I_D} on a seeded sample of {@code training}: it depends on the model and its data only, not on what is forgotten.
     * Nothing when the run compares with the retain set, which each request has its own of.
     */
    @Override
    public Optional<Prepared> prepare(ModelHandle original, RecordSet training, UnlearningContext context, Options options) {
        if (options.retainReference()) {
            return Optional.empty();
        }
        NDManager manager = original.manager().newSubManager();
        try {
            RecordSet sample = RecordSamples.shuffled(training, options.sampleSize(), context.seed("ssd-data-sample"));
            List<NDArray> importance = importance(original, sample, options, manager, context);
            return Optional.of(new DataImportance(original, importance, options.batchSize(), options.sampleSize(), options.importance(),
                    manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context, Options options) {
        try (NDManager scratch = model.manager().newSubManager()) {
            // state prepared for the other importance (a calibration that retried the loss-free one), or on the whole data
            // when this run compares with the retain set, is not this run's
            Optional<DataImportance> prepared = context.prepared(NAME, original, DataImportance.class)
                    .filter(p -> p.kind().equals(options.importance()) && !options.retainReference());
            List<NDArray> dataImportance = prepared.isPresent() ? prepared.get().importance(options)
                    : importance(model, reference(data, options, context), options, scratch, context);
            RecordSet forget = RecordSamples.shuffled(data.forget(), options.forgetSampleSize(), context.seed("ssd-forget-sample"));
            List<NDArray> forgetImportance = importance(model, forget, options, scratch, context);
            dampen(model, dataImportance, forgetImportance, options.alpha(), options.lambda(), scratch);
        }
    }

    /** The importance {@code options} name, of {@code model} on {@code records}. */
    private static List<NDArray> importance(ModelHandle model, RecordSet records, Options options, NDManager into, UnlearningContext context) {
        return OUTPUT.equals(options.importance())
                ? FisherDiagonal.outputSensitivity(model, records, options.batchSize(), into, context.cancellation())
                : FisherDiagonal.estimate(model, records, options.batchSize(), into, context.cancellation());
    }

    /** {@code I_D} prepared for one model, with the estimate's options (a removal must use the same). */
    private record DataImportance(ModelHandle model, List<NDArray> values, int batchSize, int sampleSize, String kind, NDManager manager)
            implements Prepared {

        @Override
        public String method() {
            return NAME;
        }

        List<NDArray> importance(Options options) {
            if (options.batchSize() != batchSize || options.sampleSize() != sampleSize) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "ssd: the data importance was prepared with batchSize=%d, sampleSize=%d but this run asks for batchSize=%d,"
                                + " sampleSize=%d; use the same options or prepare again", batchSize, sampleSize, options.batchSize(),
                        options.sampleSize()));
            }
            return values;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** What the forget importance is compared with: a seeded sample of the retain set, or of retain ∪ forget ({@link #dataSample}). */
    private static RecordSet reference(UnlearningData data, Options options, UnlearningContext context) {
        return options.retainReference()
                ? RecordSamples.shuffled(data.retain(), options.sampleSize(), context.seed("ssd-retain-sample"))
                : dataSample(data, options.sampleSize(), context);
    }

    /**
     * A seeded, shuffled sample of retain ∪ forget of about {@code size} records, drawn from each side
     * in proportion to its size (without first copying the union, which on MNIST costs more than the
     * estimate itself).
     */
    private static RecordSet dataSample(UnlearningData data, int size, UnlearningContext context) {
        int total = data.retain().size() + data.forget().size();
        int fromForget = size == 0 || size >= total ? data.forget().size()
                : Math.max(1, (int) Math.round((double) size * data.forget().size() / total));
        int fromRetain = size == 0 || size >= total ? data.retain().size() : size - fromForget;
        RecordSet union = RecordSet.concat("ssd-data", List.of(
                RecordSamples.shuffled(data.retain(), fromRetain, context.seed("ssd-retain-sample")),
                RecordSamples.shuffled(data.forget(), fromForget, context.seed("ssd-forget-share"))));
        return RecordSamples.shuffled(union, union.size(), context.seed("ssd-data-order"));
    }

    /** {@code θ ← β·θ} where {@code I_f > α·I_D}, {@code β = min(λ·I_D / I_f, 1)}; returns how many entries were dampened. */
    static long dampen(ModelHandle model, List<NDArray> dataImportance, List<NDArray> forgetImportance, float alpha, float lambda,
                       NDManager scratch) {
        List<Pair<String, Parameter>> params = model.parameters();
        long dampened = 0;
        for (int i = 0; i < params.size(); i++) {
            try (NDManager step = scratch.newSubManager()) {
                NDArray dImp = dataImportance.get(i);
                NDArray fImp = forgetImportance.get(i);
                NDArray threshold = Scalars.mul(dImp, alpha);
                threshold.attach(step);
                NDArray selected = fImp.gt(threshold);
                selected.attach(step);
                // outside the selection I_f may be 0 (a division by 0): where() keeps 1 there
                NDArray ratio = Scalars.mul(dImp, lambda);
                ratio.attach(step);
                NDArray beta = Scalars.minimum(ratio.divi(fImp), 1f);
                NDArray factor = NDArrays.where(selected, beta, step.ones(beta.getShape(), beta.getDataType()));
                factor.attach(step);
                params.get(i).getValue().getArray().muli(factor);
                dampened += selected.countNonzero().getLong();
            }
        }
        return dampened;
    }
}
