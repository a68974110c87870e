package dev.lethe.torch.train;

/** The update rules {@link OptimizerState} implements. */
public enum OptimizerKind {
    /** Stochastic gradient descent, optionally with heavy-ball momentum. */
    SGD,
    /** Adam (Kingma and Ba 2015), with bias correction. */
    ADAM
}
