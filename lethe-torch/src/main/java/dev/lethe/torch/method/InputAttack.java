package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.train.Objectives;

import java.util.Arrays;

/**
 * Adversarial examples for the methods that attack their forget set ({@code amun}, {@code aru}):
 * projected gradient ascent on the cross-entropy of the true labels, on the inputs, in an L2 ball
 * (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial Attacks"). It runs on a
 * parameter-frozen copy of the model, so no gradient is ever left on the weights of a model that a
 * method goes on to train. Each step normalises the input gradient per sample, moves by a fixed
 * fraction of that sample's radius, projects back onto the ball and clips to the value range of the
 * attacked set (the generalisation of the [0, 1] pixel box).
 *
 * <p>No random start: the attack is a pure function of the model and the inputs, so runs are
 * bit-identical. Only the gradients come from PyTorch; the step arithmetic runs in Java.
 */
final class InputAttack {

    /** Samples per forward/backward pass. */
    private static final int CHUNK = 256;

    /**
     * The outcome per sample: perturbed features (row-major, as {@link RecordSet#featuresView()}),
     * the model's prediction on them, the radius the search ended with, and whether that prediction
     * differs from the true label.
     */
    record Result(float[] features, int[] predictions, float[] radii, boolean[] fooled) {
        int fooledCount() {
            int n = 0;
            for (boolean f : fooled) {
                n += f ? 1 : 0;
            }
            return n;
        }
    }

    private final ModelHandle frozen;
    private final RecordSet set;
    private final float[] x;
    private final float[] radii;
    private final boolean[] active;
    private final float lo;
    private final float hi;

    private InputAttack(ModelHandle frozen, RecordSet set, float epsilon) {
        this.frozen = frozen;
        this.set = set;
        this.x = set.featuresView().clone();
        this.radii = new float[set.size()];
        Arrays.fill(radii, epsilon);
        this.active = new boolean[set.size()];
        Arrays.fill(active, true);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : set.featuresView()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        this.lo = min;
        this.hi = max;
    }

    /**
     * Fixed-radius PGD: {@code steps} steps of {@code max(ε/10, 2.5ε/steps)} each, maximising the loss
     * of every sample within the L2 ball of radius {@code epsilon} around it.
     */
    static Result fixedRadius(ModelHandle model, RecordSet set, float epsilon, int steps) {
        try (ModelHandle frozen = Distillation.frozenCopy(model)) {
            InputAttack attack = new InputAttack(frozen, set, epsilon);
            float stepFraction = Math.max(0.1f, 2.5f / steps);
            for (int s = 0; s < steps; s++) {
                attack.step(stepFraction, false);
            }
            return attack.result();
        }
    }

    /**
     * Each sample's nearby adversarial example, searched for as AMUN does: PGD with {@code steps}
     * steps of {@code ε/10} at radius {@code ε}, a sample leaving the search as soon as the model
     * misclassifies it; after each round the radius of the samples still classified correctly doubles
     * and their search goes on from where it was, for at most {@code maxRounds} rounds.
     */
    static Result nearest(ModelHandle model, RecordSet set, float epsilon, int steps, int maxRounds) {
        try (ModelHandle frozen = Distillation.frozenCopy(model)) {
            InputAttack attack = new InputAttack(frozen, set, epsilon);
            for (int round = 0; round < maxRounds && attack.anyActive(); round++) {
                for (int s = 0; s < steps && attack.anyActive(); s++) {
                    attack.step(0.1f, true);
                }
                for (int i = 0; i < set.size() && round + 1 < maxRounds; i++) {
                    if (attack.active[i]) {
                        attack.radii[i] *= 2;
                    }
                }
            }
            return attack.result();
        }
    }

    private boolean anyActive() {
        for (boolean a : active) {
            if (a) {
                return true;
            }
        }
        return false;
    }

    /**
     * One step for the active samples, chunk by chunk. With {@code stopWhenFooled}, a sample the model
     * already misclassifies at the start of the step leaves the search unchanged.
     */
    private void step(float stepFraction, boolean stopWhenFooled) {
        int f = set.featureSize();
        float[] clean = set.featuresView();
        int[] positions = new int[set.size()];
        int count = 0;
        for (int i = 0; i < set.size(); i++) {
            if (active[i]) {
                positions[count++] = i;
            }
        }
        for (int from = 0; from < count; from += CHUNK) {
            int len = Math.min(CHUNK, count - from);
            float[] batch = new float[len * f];
            long[] labels = new long[len];
            for (int j = 0; j < len; j++) {
                int i = positions[from + j];
                System.arraycopy(x, i * f, batch, j * f, f);
                labels[j] = set.label(i);
            }
            float[] grad;
            long[] predicted;
            try (NDManager scratch = frozen.manager().newSubManager()) {
                NDArray input = scratch.create(batch, frozen.spec().batchShape(len));
                NDArray y = scratch.create(labels);
                try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                    input.setRequiresGradient(true);
                    NDArray logits = frozen.forward(input, false);
                    predicted = logits.argMax(1).toLongArray();
                    collector.backward(Objectives.crossEntropy(logits, y));
                }
                NDArray g = input.getGradient();
                g.attach(scratch);
                grad = g.toFloatArray();
            }
            for (int j = 0; j < len; j++) {
                int i = positions[from + j];
                if (stopWhenFooled && predicted[j] != set.label(i)) {
                    active[i] = false;
                    continue;
                }
                double norm = 0;
                for (int k = 0; k < f; k++) {
                    norm += (double) grad[j * f + k] * grad[j * f + k];
                }
                float scale = (float) (stepFraction * radii[i] / (Math.sqrt(norm) + 1e-10));
                double dist = 0;
                for (int k = 0; k < f; k++) {
                    float v = x[i * f + k] + scale * grad[j * f + k];
                    x[i * f + k] = v;
                    float d = v - clean[i * f + k];
                    dist += (double) d * d;
                }
                float shrink = (float) Math.min(1.0, radii[i] / Math.max(Math.sqrt(dist), 1e-12));
                for (int k = 0; k < f; k++) {
                    float c = clean[i * f + k];
                    x[i * f + k] = Math.min(hi, Math.max(lo, c + (x[i * f + k] - c) * shrink));
                }
            }
        }
    }

    private Result result() {
        int n = set.size();
        int f = set.featureSize();
        int[] predictions = new int[n];
        boolean[] fooled = new boolean[n];
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            float[] batch = Arrays.copyOfRange(x, from * f, (from + len) * f);
            try (NDManager scratch = frozen.manager().newSubManager()) {
                long[] predicted = frozen.forward(scratch.create(batch, frozen.spec().batchShape(len)), false).argMax(1).toLongArray();
                for (int j = 0; j < len; j++) {
                    predictions[from + j] = (int) predicted[j];
                    fooled[from + j] = predicted[j] != set.label(from + j);
                }
            }
        }
        return new Result(x, predictions, radii, fooled);
    }

    /**
     * The records of {@code set} at {@code positions} with new features and labels; ids get
     * {@code idSuffix} so the set can be mixed with the originals.
     */
    static RecordSet derived(RecordSet set, String name, int[] positions, float[] features, int[] labels, String idSuffix) {
        int f = set.featureSize();
        String[] ids = new String[positions.length];
        String[] subjects = new String[positions.length];
        float[] x = new float[positions.length * f];
        int[] y = new int[positions.length];
        for (int j = 0; j < positions.length; j++) {
            int i = positions[j];
            ids[j] = set.id(i) + idSuffix;
            subjects[j] = set.subject(i);
            System.arraycopy(features, i * f, x, j * f, f);
            y[j] = labels[i];
        }
        return new RecordSet(name, ids, subjects, x, y, set.featureShape(), set.classNames());
    }
}
