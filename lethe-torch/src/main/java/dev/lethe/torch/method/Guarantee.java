package dev.lethe.torch.method;

/** What an unlearning method promises about the model it returns. */
public enum Guarantee {
    /** The result is the model a training without the forget set produces (retrain, SISA). */
    EXACT,
    /** A provable bound: the result is (ε, δ)-indistinguishable from retraining (certified removal). */
    CERTIFIED,
    /** No proof: the forget set's influence is reduced, and the evidence harness measures by how much. */
    APPROXIMATE
}
