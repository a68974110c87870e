package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The update rule and its state (momentum buffers, Adam moments, update count) for one model.
 *
 * <p>Lethe keeps this state itself rather than in DJL's {@code Optimizer}, whose buffers are private:
 * an exact-unlearning checkpoint must hold the optimizer state so that training continues bit for bit
 * (DESIGN.md §6), so the state has to be readable and writable. The arithmetic is PyTorch's own fused
 * update kernels, reached through DJL's {@code NDArrayEx.sgdUpdate} / {@code adamUpdate} — the same
 * calls DJL's {@code Sgd} and {@code Adam} make.
 *
 * <p>SGD: {@code v ← μ·v − η·(g + λ·w); w ← w + v} (plain {@code w ← w − η·(g + λ·w)} when μ = 0).
 * Adam (Kingma and Ba 2015): {@code m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * w ← w − η·√(1−β2^t)/(1−β1^t) · m/(√v + ε)}, with β1 = 0.9, β2 = 0.999, ε = 1e-8 and L2 decay λ.
 * After each update the gradients are zeroed (the PyTorch engine accumulates them otherwise).
 *
 * <p>Optional gradient mask ({@link #gradientMask}): for a parameter with a 0/1 mask {@code m} of its
 * shape, the update uses {@code m ⊙ (g + λ·w)} in place of {@code g + λ·w} (the L2 term is folded into
 * the gradient before masking, so decay does not touch masked-out entries either). From a fresh state
 * the masked-out entries then never change: their moments stay zero and so does their step. Used by
 * weight-saliency unlearning (SalUn) and pruning, which must train only part of the weights.
 */
public final class OptimizerState implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    /** A negative clip bound tells the native kernels not to clip (it saves a pass over every tensor). */
    private static final float NO_CLIPPING = -1f;

    private final OptimizerKind kind;
    private final float momentum;
    private final float weightDecay;
    private final NDManager manager;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private long updates;
    private Map<String, NDArray> gradientMask = Map.of();

    private OptimizerState(OptimizerKind kind, float momentum, float weightDecay, NDManager manager) {
        this.kind = kind;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.manager = manager;
    }

    /** Fresh state (zero buffers, no updates yet) for {@code model} under {@code config}. */
    public static OptimizerState create(TrainConfig config, ModelHandle model) {
        OptimizerState state = new OptimizerState(config.optimizer(), config.momentum(), config.weightDecay(),
                model.manager().newSubManager());
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray w = p.getValue().getArray();
            if (state.kind == OptimizerKind.ADAM) {
                state.first.add(state.manager.zeros(w.getShape(), w.getDataType()));
                state.second.add(state.manager.zeros(w.getShape(), w.getDataType()));
            } else if (state.momentum > 0) {
                state.first.add(state.manager.zeros(w.getShape(), w.getDataType()));
            }
        }
        return state;
    }

    public OptimizerKind kind() {
        return kind;
    }

    /**
     * Restricts updates to the entries where {@code masks} (parameter name → 0/1 array of the
     * parameter's shape, owned by the caller) is 1; parameters without a mask are updated fully.
     */
    public void gradientMask(Map<String, NDArray> masks) {
        this.gradientMask = Map.copyOf(masks);
    }

    /** How many updates this state has applied. */
    public long updates() {
        return updates;
    }

    /**
     * Applies one update with learning rate {@code learningRate} from the gradients currently held by
     * the model's parameters, then zeroes them. Temporary arrays go to {@code scratch}.
     */
    public void apply(ModelHandle model, float learningRate, NDManager scratch) {
        updates++;
        List<Pair<String, Parameter>> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            NDArray weight = params.get(i).getValue().getArray();
            NDArray grad = weight.getGradient();
            grad.attach(scratch);
            float decay = weightDecay;
            NDArray mask = gradientMask.get(params.get(i).getKey());
            if (mask != null) {
                if (decay > 0) {
                    NDArray l2 = weight.mul(decay);
                    l2.attach(scratch);
                    grad.addi(l2);
                    decay = 0f;
                }
                grad.muli(mask);
            }
            NDList weights = new NDList(weight);
            if (kind == OptimizerKind.ADAM) {
                float corrected = (float) (learningRate * Math.sqrt(1 - Math.pow(BETA2, updates)) / (1 - Math.pow(BETA1, updates)));
                weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, first.get(i), second.get(i)), weights,
                        learningRate, corrected, decay, 1f, NO_CLIPPING, BETA1, BETA2, EPSILON, true, false);
            } else if (momentum > 0) {
                weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad, first.get(i)), weights,
                        learningRate, decay, 1f, NO_CLIPPING, momentum, true);
            } else {
                weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad), weights,
                        learningRate, decay, 1f, NO_CLIPPING, 0f, true);
            }
            grad.subi(grad);
        }
    }

    /** Writes the state (kind, hyper-parameters, update count, buffers) for a checkpoint. */
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(kind.name());
        out.writeFloat(momentum);
        out.writeFloat(weightDecay);
        out.writeLong(updates);
        out.writeInt(first.size());
        out.writeInt(second.size());
        for (NDArray a : first) {
            writeArray(out, a);
        }
        for (NDArray a : second) {
            writeArray(out, a);
        }
    }

    /** Reads state written by {@link #write} for {@code model}. */
    public static OptimizerState read(DataInputStream in, ModelHandle model) throws IOException {
        OptimizerKind kind = OptimizerKind.valueOf(in.readUTF());
        OptimizerState state = new OptimizerState(kind, in.readFloat(), in.readFloat(), model.manager().newSubManager());
        state.updates = in.readLong();
        int nFirst = in.readInt();
        int nSecond = in.readInt();
        for (int i = 0; i < nFirst; i++) {
            state.first.add(readArray(in, state.manager));
        }
        for (int i = 0; i < nSecond; i++) {
            state.second.add(readArray(in, state.manager));
        }
        return state;
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        byte[] encoded = a.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private static NDArray readArray(DataInputStream in, NDManager manager) throws IOException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        return manager.decode(encoded);
    }

    @Override
    public void close() {
        manager.close();
    }
}
