package dev.lethe.torch.scenario.evidence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distance of a method to the retrained reference, figure by figure: {@code gap/<figure> = |m − r|}
 * for each figure in {@link #figures()} that both have, and their mean {@code avg-gap} — the "average
 * gap" of Fan et al. 2024 (SalUn) and Jia et al. 2023 ("Model Sparsity Can Simplify Machine
 * Unlearning"): 0 means indistinguishable from retraining on these figures.
 *
 * @param figures the figures compared, e.g. forget/retain/test accuracy and the MIA AUC
 */
public record ReferenceGaps(List<String> figures) {

    /** Prefix of the gap figures. */
    public static final String PREFIX = "gap/";
    /** The mean gap. */
    public static final String AVERAGE = "avg-gap";

    /** Forget, retain and test accuracy, the loss attack's AUC and, in the backdoor scenario, the attack success rate. */
    public static ReferenceGaps standard() {
        return new ReferenceGaps(List.of("forget-acc", "retain-acc", "test-acc", "mia-auc", "asr"));
    }

    public ReferenceGaps {
        figures = List.copyOf(figures);
        if (figures.isEmpty()) {
            throw new IllegalArgumentException("at least one figure is needed to compare with the reference");
        }
    }

    /** The gap figures of {@code method} to {@code reference}; empty when they share none of the figures. */
    public Map<String, Double> of(Map<String, Double> method, Map<String, Double> reference) {
        Map<String, Double> gaps = new LinkedHashMap<>();
        for (String name : figures) {
            if (method.containsKey(name) && reference.containsKey(name)) {
                gaps.put(PREFIX + name, Math.abs(method.get(name) - reference.get(name)));
            }
        }
        if (!gaps.isEmpty()) {
            gaps.put(AVERAGE, gaps.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
        return gaps;
    }
}
