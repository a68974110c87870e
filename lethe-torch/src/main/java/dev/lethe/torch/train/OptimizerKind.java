package dev.lethe.torch.train;

/** The update rules {@link OptimizerState} implements. */
public enum OptimizerKind {
    /** Stochastic gradient descent, optionally with heavy-ball momentum. */
    SGD,
    /** Adam (Kingma and Ba 2015), with bias correction. */
    ADAM,
    /**
     * AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay, {@code w ← w − η·λ·w} before the
     * Adam step instead of adding {@code λ·w} to the gradient. Last in the enum so existing states keep their ordinals.
     */
    ADAMW;

    /** Whether the rule keeps Adam's two moment buffers (Adam and AdamW). */
    public boolean isAdam() {
        return this == ADAM || this == ADAMW;
    }
}
