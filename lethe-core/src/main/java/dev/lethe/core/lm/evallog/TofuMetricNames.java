package dev.lethe.core.lm.evallog;

/**
 * The metric names of a TOFU eval log: OpenUnlearning's keys in {@code TOFU_EVAL.json} (the {@code @package}
 * name of each configs/eval/tofu_metrics/*.yaml, so the forget truth ratio is {@code forget_truth_ratio}),
 * plus Lethe's raw-input entries.
 */
public final class TofuMetricNames {

    public static final String FORGET_TRUTH_RATIO = "forget_truth_ratio";
    public static final String FORGET_QUALITY = "forget_quality";
    public static final String MODEL_UTILITY = "model_utility";
    public static final String PRIVLEAK = "privleak";
    public static final String EXTRACTION_STRENGTH = "extraction_strength";
    public static final String EXACT_MEMORIZATION = "exact_memorization";
    public static final String MIA_LOSS = "mia_loss";
    public static final String MIA_ZLIB = "mia_zlib";
    public static final String MIA_MIN_K = "mia_min_k";
    public static final String MIA_MIN_K_PLUS_PLUS = "mia_min_k_plus_plus";

    /** The key under which an aggregate that could not be computed says why (Lethe's, next to {@code "agg_value": null}). */
    public static final String NOT_COMPUTED = "lethe_not_computed";

    private TofuMetricNames() {
    }

    /** {@code <split>_Q_A_Prob}: mean length-normalised answer probability. */
    public static String probability(EvalSplit split) {
        return split.prefix() + "_Q_A_Prob";
    }

    /** {@code <split>_Q_A_PARA_Prob}: the paraphrased answer's probability (forget, retain). */
    public static String paraphrasedProbability(EvalSplit split) {
        return split.prefix() + "_Q_A_PARA_Prob";
    }

    /** {@code <split>_Q_A_PERT_Prob}: the perturbed (wrong) answers' probabilities. */
    public static String perturbedProbability(EvalSplit split) {
        return split.prefix() + "_Q_A_PERT_Prob";
    }

    /** {@code <split>_Q_A_Prob_normalised}: the answer's probability among the options (real authors, world facts). */
    public static String normalisedProbability(EvalSplit split) {
        return split.prefix() + "_Q_A_Prob_normalised";
    }

    /** {@code <split>_Q_A_ROUGE}: ROUGE of the greedy generation against the answer. */
    public static String rouge(EvalSplit split) {
        return split.prefix() + "_Q_A_ROUGE";
    }

    /** {@code forget_truth_ratio} for the forget split (OU's exact key), {@code <split>_Truth_Ratio} for the others. */
    public static String truthRatio(EvalSplit split) {
        return split == EvalSplit.FORGET ? FORGET_TRUTH_RATIO : split.prefix() + "_Truth_Ratio";
    }

    /** {@code lethe_inputs_<split>}: Lethe's raw per-item inputs of a split, from which every aggregate can be recomputed. */
    public static String rawInputs(EvalSplit split) {
        return "lethe_inputs_" + split.prefix();
    }
}
