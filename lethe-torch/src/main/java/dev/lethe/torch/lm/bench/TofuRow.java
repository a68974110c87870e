package dev.lethe.torch.lm.bench;

import dev.lethe.core.lm.evallog.EvalSplit;
import dev.lethe.core.lm.evallog.TofuMetricNames;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the TOFU table: a reference model or an unlearning method's result, with the aggregates
 * of its evaluation (OpenUnlearning's {@code TOFU_SUMMARY.json} names), the removal evidence, and the
 * folder of its eval log. Written to the run folder as soon as it is finished, so a rerun reuses it.
 *
 * @param name the row's name: a reference name ({@link #FULL}, {@link #RETAIN}, {@link #NOISE_FLOOR},
 *             {@link #SUPPRESSION}) or the method id
 * @param role what the row is
 * @param figures the summary aggregates (e.g. {@value #FORGET_QUALITY}, {@value #MODEL_UTILITY}), plus
 *                {@value #RELEARNING_RECOVERY} and the evidence figures where measured and {@value #SECONDS}
 *                where known; a figure that was not computed is absent, never a stand-in number
 * @param verdict the removal-versus-suppression verdict in words, or {@code null} where none was measured
 * @param evalDir the folder of the row's {@code TOFU_EVAL.json} and {@code TOFU_SUMMARY.json}, relative to the run folder
 * @param error why the method failed or refused, or {@code null}; the figures are then empty
 */
public record TofuRow(String name, Role role, Map<String, Double> figures, String verdict, String evalDir, String error) {

    /** The model trained on the retain and the forget authors: what unlearning starts from. */
    public static final String FULL = "full";
    /** The model trained on the retain authors only (seed A): the target, and the log forget quality is measured against. */
    public static final String RETAIN = "retain";
    /** A second retain-only model (seed B): how far two exact retrains are from each other. */
    public static final String NOISE_FLOOR = "retain-seed-b";
    /** The full model behind an output filter that refuses forget questions: weights unchanged. */
    public static final String SUPPRESSION = "suppression-only";
    /** The reference rows, in table order. */
    public static final List<String> REFERENCE_NAMES = List.of(FULL, RETAIN, NOISE_FLOOR, SUPPRESSION);

    /** Two-sample KS p-value of the forget truth ratios against the retain model's (TOFU). */
    public static final String FORGET_QUALITY = TofuMetricNames.FORGET_QUALITY;
    /** Harmonic mean of the nine retain / real-author / world-fact figures (TOFU). */
    public static final String MODEL_UTILITY = TofuMetricNames.MODEL_UTILITY;
    /** ROUGE-L recall of the greedy answers to the forget questions. */
    public static final String FORGET_ROUGE = TofuMetricNames.rouge(EvalSplit.FORGET);
    /** Length-normalised probability of the forget answers. */
    public static final String FORGET_PROBABILITY = TofuMetricNames.probability(EvalSplit.FORGET);
    /** Aggregated truth ratio on the forget split. */
    public static final String FORGET_TRUTH_RATIO = TofuMetricNames.FORGET_TRUTH_RATIO;
    /** MUSE's PrivLeak on the min-k% AUC against the retain model (about −100: under-unlearned). */
    public static final String PRIVLEAK = TofuMetricNames.PRIVLEAK;
    /** What a brief relearning attack brings back, against the same attack on the retain model (H5's RelearningAttack). */
    public static final String RELEARNING_RECOVERY = "relearning_recovery";
    /** Wall time: training for a reference model, the unlearning alone (no evaluation) for a method. */
    public static final String SECONDS = "seconds";

    /** The figures of the report's table and plots, in column order. */
    public static final List<String> HEADLINE = List.of(FORGET_QUALITY, MODEL_UTILITY, FORGET_ROUGE, FORGET_PROBABILITY, FORGET_TRUTH_RATIO,
            PRIVLEAK, RELEARNING_RECOVERY, SECONDS);

    /** What a row is. */
    public enum Role {
        /** Trained on everything, before unlearning. */
        FULL,
        /** Trained on the retain authors only, seed A. */
        RETAIN,
        /** Trained on the retain authors only, seed B. */
        NOISE_FLOOR,
        /** The full model behind the suppression filter. */
        SUPPRESSION,
        /** An unlearning method applied to the full model. */
        METHOD
    }

    public TofuRow {
        figures = figures == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** A method that failed or refused: no figures, the error in words. */
    public static TofuRow failed(String method, String error) {
        return new TofuRow(method, Role.METHOD, Map.of(), null, null, error);
    }

    /** The figure {@code name}, or {@code null} where it was not computed. */
    public Double figure(String name) {
        return figures.get(name);
    }

    /** Whether the row finished with figures. */
    public boolean succeeded() {
        return error == null;
    }
}
