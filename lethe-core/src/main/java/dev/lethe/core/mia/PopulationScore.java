package dev.lethe.core.mia;

/**
 * Membership scores computed from a model's output on one record — the population attacks that need
 * no shadow model. Convention: a higher score means "more likely a member".
 *
 * <ul>
 *   <li>{@link #LOSS}: −ℓ = log p_y (Yeom et al. 2018, "Privacy Risk in Machine Learning").</li>
 *   <li>{@link #CONFIDENCE}: p_y, the probability of the true class.</li>
 *   <li>{@link #ENTROPY}: −H(p) = Σ p_i log p_i (members get more confident predictions).</li>
 *   <li>{@link #MODIFIED_ENTROPY}: −Mentr(p, y) with Mentr = −(1 − p_y) log p_y − Σ_{i≠y} p_i log(1 − p_i)
 *       (Song and Mittal 2021, "Systematic Evaluation of Privacy Risks of Machine Learning Models"),
 *       which, unlike entropy, penalises confident wrong predictions.</li>
 * </ul>
 */
public enum PopulationScore {
    LOSS, CONFIDENCE, ENTROPY, MODIFIED_ENTROPY;

    private static final double TINY = 1e-30;

    /** The score of a record with output probabilities {@code p} and true class {@code label}. */
    public double score(float[] p, int label) {
        return switch (this) {
            case LOSS -> Math.log(Math.max(p[label], TINY));
            case CONFIDENCE -> p[label];
            case ENTROPY -> {
                double h = 0;
                for (float v : p) {
                    h -= v > 0 ? v * Math.log(v) : 0;
                }
                yield -h;
            }
            case MODIFIED_ENTROPY -> {
                double py = p[label];
                double m = -(1 - py) * Math.log(Math.max(py, TINY));
                for (int i = 0; i < p.length; i++) {
                    if (i != label) {
                        m -= p[i] * Math.log(Math.max(1 - p[i], TINY));
                    }
                }
                yield -m;
            }
        };
    }

    /** Kebab-case name for reports. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
