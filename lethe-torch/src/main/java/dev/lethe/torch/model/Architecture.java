package dev.lethe.torch.model;

/** The model families Lethe builds; see {@link ModelSpec} for their layers. */
public enum Architecture {
    /** Logistic regression: one linear layer on the flattened input (softmax or, for certified removal, one-vs-rest training). */
    LOGREG,
    /** Multi-layer perceptron with ReLU hidden layers. */
    MLP,
    /** A small convolutional network for 28×28×1 and 32×32×3 images. */
    CNN
}
