package dev.lethe.core.lm.evallog;

/**
 * The TOFU evaluation splits an eval log can hold, with the metric-name prefix OpenUnlearning gives each
 * (configs/eval/tofu_metrics/*.yaml). Holdout items have no metrics of their own: they are the non-members
 * that the MIA AUCs compare the forget items against.
 */
public enum EvalSplit {
    /** The items to be forgotten (forget01/05/10, with paraphrased and perturbed answers). */
    FORGET("forget"),
    /** Items of the authors that stay (retain_perturbed). */
    RETAIN("retain"),
    /** Real-author questions, multiple choice (real_authors_perturbed). */
    REAL_AUTHORS("ra"),
    /** World-fact questions, multiple choice (world_facts_perturbed). */
    WORLD_FACTS("wf"),
    /** Items of fictitious authors never trained on, the MIA non-members (holdout01/05/10). */
    HOLDOUT("holdout");

    private final String prefix;

    EvalSplit(String prefix) {
        this.prefix = prefix;
    }

    /** The metric-name prefix ({@code forget}, {@code retain}, {@code ra}, {@code wf}, {@code holdout}). */
    public String prefix() {
        return prefix;
    }
}
